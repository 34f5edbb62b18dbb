/* The model's arithmetic: value types, sides of a diff, totals, the
 * normalization of bases, and what "new" and "gone" mean (see model.h). */
#include "model.h"

#include <math.h>

#include "model_index.h"

double hd_value_of(const struct hd_values *v, enum hd_value_type type)
{
    switch (type) {
    case HD_VALUE_INUSE_SPACE:
        return v->inuse_bytes;
    case HD_VALUE_INUSE_OBJECTS:
        return v->inuse_objects;
    case HD_VALUE_ALLOC_SPACE:
        return v->alloc_bytes;
    case HD_VALUE_ALLOC_OBJECTS:
        return v->alloc_objects;
    }
    return 0;
}

bool hd_value_is_objects(enum hd_value_type type)
{
    return type == HD_VALUE_INUSE_OBJECTS || type == HD_VALUE_ALLOC_OBJECTS;
}

struct hd_values hd_model_input_total(const struct hd_model *m, uint32_t input)
{
    struct hd_values total = {0, 0, 0, 0};
    for (size_t i = 0; i < m->samples.n; i++)
        hd_values_add(&total, &m->samples.columns[input][i], 1.0);
    return total;
}

struct hd_sides hd_model_sample_sides(const struct hd_model *m, size_t sample,
                                      enum hd_value_type type)
{
    struct hd_sides sides = {0, 0};
    for (size_t k = 0; k < m->n_inputs; k++) {
        const struct hd_model_input *in = &m->inputs[k];
        double v = hd_value_of(&m->samples.columns[k][sample], type);
        if (in->role == HD_ROLE_BASE)
            sides.base += -in->weight * v;
        else
            sides.current += in->weight * v;
    }
    return sides;
}

struct hd_sides hd_model_total(const struct hd_model *m, enum hd_value_type type)
{
    struct hd_sides total = {0, 0};
    for (size_t i = 0; i < m->samples.n; i++) {
        struct hd_sides s = hd_model_sample_sides(m, i, type);
        total.current += s.current;
        total.base += s.base;
    }
    return total;
}

bool hd_model_has_role(const struct hd_model *m, enum hd_role role)
{
    for (size_t k = 0; k < m->n_inputs; k++)
        if (m->inputs[k].role == role)
            return true;
    return false;
}

void hd_model_normalize_bases(struct hd_model *m, enum hd_value_type type)
{
    double current = 0, base = 0;
    for (uint32_t k = 0; k < m->n_inputs; k++) {
        struct hd_values total = hd_model_input_total(m, k);
        if (m->inputs[k].role == HD_ROLE_BASE)
            base += hd_value_of(&total, type);
        else
            current += m->inputs[k].weight * hd_value_of(&total, type);
    }
    if (base == 0)
        return;
    for (size_t k = 0; k < m->n_inputs; k++)
        if (m->inputs[k].role == HD_ROLE_BASE)
            m->inputs[k].weight = -current / base;
}

enum hd_change hd_change_of(struct hd_sides sides)
{
    /* Sides are sums of columns, never differences, so an amount absent
     * from a side is exactly 0: no tolerance is needed. */
    if (sides.base == 0 && sides.current != 0)
        return HD_CHANGE_NEW;
    if (sides.base != 0 && sides.current == 0)
        return HD_CHANGE_GONE;
    return HD_CHANGE_NONE;
}

static double magnitude(double x)
{
    return x < 0 ? -x : x;
}

struct hd_denominator hd_choose_denominator(struct hd_sides sides, double gross, bool diff)
{
    if (!diff)
        return sides.current == 0 ? (struct hd_denominator){HD_DENOMINATOR_NONE, 0}
                                  : (struct hd_denominator){HD_DENOMINATOR_TOTAL,
                                                            magnitude(sides.current)};
    double delta = magnitude(sides.current - sides.base);
    if (delta > 0 && delta >= HD_DELTA_DENOMINATOR_SHARE * gross)
        return (struct hd_denominator){HD_DENOMINATOR_DELTA, delta};
    if (sides.current != 0)
        return (struct hd_denominator){HD_DENOMINATOR_CURRENT, magnitude(sides.current)};
    return (struct hd_denominator){HD_DENOMINATOR_NONE, 0};
}

/* ---- sampling noise ---- */

double hd_sampling_variance(enum hd_sampling sampling, double period, double objects,
                            double bytes, bool of_objects)
{
    /* What hd_unsample_pair leaves as is has no sampling noise; a period
     * of 1 byte or less is jemalloc's lg_prof_sample:0, which records
     * every allocation. */
    if (sampling == HD_SAMPLING_NONE || period <= 1 || objects <= 0 || bytes <= 0)
        return 0;
    double average = bytes / objects;
    /* Each object of AVERAGE bytes is recorded with probability
     * p = 1 - exp(-average / period), independently of the others
     * (PROFILING_INTERNALS.md: the byte countdown is memoryless). */
    double missed = exp(-average / period); /* 1 - p */
    double p = -expm1(-average / period);
    /* The rule's factor from recorded to estimated objects: 1/p for v2;
     * period/average (never below 1) for v1 (FORMATS.md §2.2). */
    double scale = sampling == HD_SAMPLING_V2 ? 1 / p : fmax(1.0, period / average);
    /* The recorded count c = objects / scale is binomial, Var(c) =
     * n p (1 - p) with n estimated by c / p, so Var(c) = c (1 - p); the
     * estimate is c x scale, so Var = c (1 - p) scale^2: for v2
     * c (1 - p) / p^2 = objects (1 - p) / p.  Bytes are AVERAGE x objects.
     *
     * Near p = 1 the sampler misses few objects: their number is Poisson
     * with a small mean m = c (1 - p) / p, a count of 0, 1, 2 that the
     * normal interval covers far less often than it says (90% for 30
     * objects at p = 0.98).  So m is widened to m + min(2m, 1) (Var(c) =
     * p x that), which keeps a 2 SE interval's coverage at 93% or more
     * for every m, changes nothing for p -> 1 (m -> 0, exact) and little
     * for small p (m large). */
    double recorded = objects / scale;
    double mean_missed = recorded * missed / p;
    double var_recorded = p * (mean_missed + fmin(2 * mean_missed, 1.0));
    double var_objects = var_recorded * scale * scale;
    return of_objects ? var_objects : var_objects * average * average;
}

/* The sampling variance of input K's value of TYPE at SAMPLE. */
static double column_variance(const struct hd_model *m, size_t k, size_t sample,
                              enum hd_value_type type)
{
    const struct hd_model_input *in = &m->inputs[k];
    const struct hd_values *v = &m->samples.columns[k][sample];
    bool alloc = type == HD_VALUE_ALLOC_SPACE || type == HD_VALUE_ALLOC_OBJECTS;
    return hd_sampling_variance(in->sampling, in->sample_period,
                                alloc ? v->alloc_objects : v->inuse_objects,
                                alloc ? v->alloc_bytes : v->inuse_bytes,
                                hd_value_is_objects(type));
}

struct hd_sides hd_model_sample_variance(const struct hd_model *m, size_t sample,
                                         enum hd_value_type type)
{
    struct hd_sides variance = {0, 0};
    for (size_t k = 0; k < m->n_inputs; k++) {
        const struct hd_model_input *in = &m->inputs[k];
        double v = column_variance(m, k, sample, type);
        if (v == 0)
            continue;
        /* Columns are independent samples: weighted variances add. */
        if (in->role == HD_ROLE_BASE)
            variance.base += in->weight * in->weight * v;
        else
            variance.current += in->weight * in->weight * v;
    }
    return variance;
}

double hd_delta_variance(struct hd_sides variance)
{
    return variance.current + variance.base;
}

bool hd_within_noise(double value, double variance)
{
    return fabs(value) <= HD_NOISE_Z * sqrt(variance);
}

bool hd_model_is_sampled(const struct hd_model *m)
{
    for (size_t k = 0; k < m->n_inputs; k++)
        if (m->inputs[k].sampling != HD_SAMPLING_NONE && m->inputs[k].sample_period > 1)
            return true;
    return false;
}
