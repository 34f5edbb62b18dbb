// leaky_cpp.cc — heapdiff's C++ test program with known, exact heap growth.
//
// Usage: leaky_cpp [TICKS]     (default 4, at most kMaxTicks)
//
// Snapshots are taken after each tick exactly as in leaky.c (tcmalloc
// HeapProfilerDump / jemalloc mallctl("prof.dump"), found with dlsym).
//
// Once, in main, before tick 1 (reserve() calls, never freed):
//   app::Pool<app::Node>::Pool -> std::vector<Node*>::reserve(1024)     8192 B
//   app::Registry::Registry    -> std::vector<char*>::reserve(512)      4096 B
//   main -> std::vector<std::vector<char>>::reserve(128)                3072 B
// Every tick (all sizes are jemalloc size classes):
//   path (function that calls operator new)            per tick            freed?
//   app::Registry::add              new char[4096]     8 x 4096 B          never
//   app::Pool<app::Node>::fill      new Node, through  16 x 1024 B         never
//     the inlined template method Pool<T>::make
//   app::make_buffer<char>          std::vector<char>  2 x 65536 B         never
//                                   (65536, 'x')
//   app::transient<unsigned long>   std::vector push_back x 512,           all, at once
//                                   reallocations of 8,16,...,4096 B:
//                                   10 objects, 8184 B
#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#define NOIPA __attribute__((noipa))

namespace {
constexpr int kMaxTicks = 64;
volatile unsigned long g_calls;  // written after calls: no tail calls

void say(const char *what, int tick, int err)
{
	char buf[160];
	int n = std::snprintf(buf, sizeof buf, "leaky_cpp: snapshot %d: %s = %d\n", tick, what, err);
	if (n > 0 && write(2, buf, static_cast<size_t>(n)) < 0)
		g_calls++;
}
}  // namespace

namespace app {

// Exactly 1024 bytes, filled with a non-zero byte.
struct Node {
	unsigned char payload[1024];
	Node() { std::memset(payload, 0x11, sizeof payload); }
};

template <typename T>
class Pool {
public:
	Pool() { items_.reserve(1024); }
	// Inlined template method that allocates.
	inline __attribute__((always_inline)) T *make()
	{
		T *p = new T();
		items_.push_back(p);
		return p;
	}
	NOIPA void fill(int n);
	size_t size() const { return items_.size(); }

private:
	std::vector<T *> items_;
};

template <typename T>
void Pool<T>::fill(int n)
{
	for (int i = 0; i < n; i++)
		make();
	g_calls++;
}

class Registry {
public:
	Registry() { blocks_.reserve(512); }
	NOIPA void add(int n);

private:
	std::vector<char *> blocks_;
};

void Registry::add(int n)
{
	for (int i = 0; i < n; i++) {
		char *b = new char[4096];
		std::memset(b, 0x22, 4096);
		blocks_.push_back(b);
	}
	g_calls++;
}

template <typename Elem>
NOIPA std::vector<Elem> make_buffer(size_t n, Elem fill)
{
	std::vector<Elem> v(n, fill);
	g_calls++;
	return v;
}

// Grows a vector by push_back: 10 reallocations (1, 2, 4, ... 512
// elements of 8 bytes), all freed when it goes out of scope.
template <typename Elem>
NOIPA Elem transient(int n)
{
	std::vector<Elem> v;
	for (int i = 0; i < n; i++)
		v.push_back(static_cast<Elem>(i) * 3 + 1);
	Elem sum = 0;
	for (Elem x : v)
		sum += x;
	g_calls++;
	return sum;
}

}  // namespace app

typedef void (*heap_profiler_dump_fn)(const char *reason);
typedef void (*heap_profiler_stop_fn)();
typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static heap_profiler_dump_fn tc_dump;
static heap_profiler_stop_fn tc_stop;
static mallctl_fn je_mallctl;

NOIPA static void snapshot(int tick)
{
	char reason[32];
	std::snprintf(reason, sizeof reason, "tick %d", tick);
	if (tc_dump != nullptr) {
		tc_dump(reason);
		say("HeapProfilerDump", tick, 0);
	} else if (je_mallctl != nullptr) {
		say("mallctl(\"prof.dump\")", tick, je_mallctl("prof.dump", nullptr, nullptr, nullptr, 0));
	} else {
		say("no profiler", tick, 0);
	}
	g_calls++;
}

int main(int argc, char **argv)
{
	int ticks = argc > 1 ? std::atoi(argv[1]) : 4;
	if (ticks < 1 || ticks > kMaxTicks)
		return 2;
	if (std::getenv("HEAPPROFILE") != nullptr) {
		tc_dump = reinterpret_cast<heap_profiler_dump_fn>(dlsym(RTLD_DEFAULT, "HeapProfilerDump"));
		tc_stop = reinterpret_cast<heap_profiler_stop_fn>(dlsym(RTLD_DEFAULT, "HeapProfilerStop"));
	} else if (std::getenv("MALLOC_CONF") != nullptr) {
		je_mallctl = reinterpret_cast<mallctl_fn>(dlsym(RTLD_DEFAULT, "mallctl"));
	}

	app::Pool<app::Node> pool;
	app::Registry registry;
	std::vector<std::vector<char>> buffers;
	buffers.reserve(2 * kMaxTicks);
	unsigned long sum = 0;
	for (int t = 1; t <= ticks; t++) {
		registry.add(8);
		pool.fill(16);
		for (int i = 0; i < 2; i++)
			buffers.push_back(app::make_buffer<char>(65536, 'x'));
		sum += app::transient<unsigned long>(512);
		snapshot(t);
	}
	g_calls += sum + pool.size();
	if (tc_stop != nullptr)
		tc_stop();
	return 0;
}
