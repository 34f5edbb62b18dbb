/* Theil-Sen and Mann-Kendall (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "array.h"

/* Hoare's selection: V[K] becomes the K-th smallest, with the smaller
 * ones before it.  Expected O(N). */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

double hd_median(double *v, size_t n)
{
    size_t half = n / 2;
    select_kth(v, n, half);
    if (n % 2)
        return v[half];
    /* The largest of the lower half, which selection left before HALF. */
    double below = v[0];
    for (size_t i = 1; i < half; i++)
        if (v[i] > below)
            below = v[i];
    return (below + v[half]) / 2;
}

double hd_theil_sen(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return 0;
    double *slopes = hd_malloc(n * (n - 1) / 2, sizeof *slopes);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double dx = x ? x[j] - x[i] : (double)(j - i);
            if (dx != 0)
                slopes[m++] = (y[j] - y[i]) / dx;
        }
    double slope = m ? hd_median(slopes, m) : 0;
    free(slopes);
    return slope;
}

double hd_normal_upper(double z)
{
    return 0.5 * erfc(z / sqrt(2.0));
}

/* P(D <= d) for D the number of inversions of a uniformly random
 * ordering of N distinct values (Mahonian numbers, by the recurrence
 * over the position of the last value). */
static double inversions_at_most(size_t n, long d)
{
    size_t max = n * (n - 1) / 2;
    if (d < 0)
        return 0;
    if ((size_t)d >= max)
        return 1;
    double *count = hd_calloc(max + 1, sizeof *count), *next = hd_calloc(max + 1, sizeof *next);
    count[0] = 1;
    for (size_t k = 2; k <= n; k++) {
        /* The k-th value adds 0 .. k-1 inversions. */
        size_t top = k * (k - 1) / 2;
        for (size_t i = 0; i <= top; i++) {
            double sum = 0;
            for (size_t a = 0; a < k && a <= i; a++)
                sum += count[i - a];
            next[i] = sum;
        }
        double *t = count;
        count = next;
        next = t;
    }
    double total = 0, below = 0;
    for (size_t i = 0; i <= max; i++) {
        total += count[i];
        if ((long)i <= d)
            below += count[i];
    }
    free(count);
    free(next);
    return below / total;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

struct hd_mann_kendall hd_mann_kendall(const double *y, size_t n, double tie)
{
    struct hd_mann_kendall mk = {0, 0, 1, 1};
    if (n < 2)
        return mk;
    bool ties = false;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double d = y[j] - y[i];
            if (fabs(d) <= tie)
                ties = true;
            else
                mk.s += d > 0 ? 1 : -1;
        }
    long pairs = (long)(n * (n - 1) / 2);
    if (!ties && n <= HD_MK_EXACT_MAX) {
        /* S = pairs - 2 D, D the inversions against a rise. */
        mk.p_up = inversions_at_most(n, (pairs - mk.s) / 2);
        mk.p_down = inversions_at_most(n, (pairs + mk.s) / 2);
    }
    /* The variance with the tie correction: groups of values that chain
     * within TIE of each other in sorted order. */
    double *sorted = hd_malloc(n, sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = y[i];
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    double dn = (double)n;
    double var = dn * (dn - 1) * (2 * dn + 5);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && sorted[j] - sorted[j - 1] <= tie)
            j++;
        double t = (double)(j - i);
        var -= t * (t - 1) * (2 * t + 5);
        i = j;
    }
    free(sorted);
    var /= 18;
    if (mk.s != 0 && var > 0)
        mk.z = ((double)mk.s - (mk.s > 0 ? 1 : -1)) / sqrt(var);
    if ((ties || n > HD_MK_EXACT_MAX) && var > 0) {
        mk.p_up = hd_normal_upper(mk.z);
        mk.p_down = hd_normal_upper(-mk.z);
    }
    return mk;
}
