// The C++ fixture: a namespace, a class template with an out-of-line
// member, an inlined member, an anonymous namespace and operator new.
#include <cstddef>
#include <cstdlib>
#include <new>

namespace app {

template <typename T> class Pool {
public:
    void grow(std::size_t n);
    T *take()
    {
        if (used_ == size_)
            grow(size_ * 2 + 8);
        return &items_[used_++];
    }

private:
    T *items_ = nullptr;
    std::size_t used_ = 0, size_ = 0;
};

template <typename T> __attribute__((noinline)) void Pool<T>::grow(std::size_t n)
{
    T *fresh = static_cast<T *>(operator new(n * sizeof(T)));
    for (std::size_t i = 0; i < used_; i++)
        fresh[i] = items_[i];
    items_ = fresh;
    size_ = n;
}

struct Widget {
    long a, b;
};

} // namespace app

namespace {

__attribute__((noinline)) app::Widget *make_widgets(app::Pool<app::Widget> &pool, int n)
{
    app::Widget *last = nullptr;
    for (int i = 0; i < n; i++)
        last = pool.take();
    return last;
}

} // namespace

static app::Pool<int> ints;

__attribute__((noinline)) int *take_int()
{
    return ints.take();
}

int main(int argc, char **)
{
    app::Pool<app::Widget> widgets;
    app::Widget *w = make_widgets(widgets, argc + 40);
    int *i = take_int();
    *i = 3;
    char *raw = new char[argc + 100];
    raw[0] = static_cast<char>(w->a);
    return raw[0] + *i;
}
