/* The single-core kernel numbers bench/RESULTS.md and docs/PLATFORM.md quote ("Issue 18, second
   round"): sgemm GFLOP/s on the engine's conv-sized shapes through OpenBLAS, oneDNN and
   (optionally) BLIS, and ns per value of the CVectorMath tanh kernels against libm's tanhf;
   first, what a process pays once ("twelfth round"): oneDNN's first product, which writes its
   JIT kernels, against its second, and a CPUID instruction (a VM exit on some hypervisors);
   then how much two cores compute at once against one ("thirteenth round"): the same kernel
   alone on one thread, then on two threads together, each on its own data; ISM's scatter of
   per-column products, column by column against a run at a time; and a batch of attention's
   per-head products as separate sgemm calls against one oneDNN matmul primitive.
   Run with OMP_NUM_THREADS=1, as seqlens runs oneDNN's products.
   Not part of `make bench`: OpenBLAS and BLIS are peers here, not dependencies.

     apt-get install libopenblas-dev libdnnl-dev [libblis-dev]
     clang -O2 -I Sources/CVectorMath/include bench/kernels.c Sources/CVectorMath/vector_math.c \
        Sources/CVectorMath/direct_convolution.c Sources/CVectorMath/add_rows.c \
        -o /tmp/kernels -lopenblas -ldnnl -lm -lpthread   [-DWITH_BLIS -I/usr/include/x86_64-linux-gnu -lblis]
   clang, as SwiftPM compiles CVectorMath (gcc leaves the tanh kernels scalar: 4 ns a value).
     /tmp/kernels                                  # OpenBLAS as the environment sets it
     OPENBLAS_CORETYPE=Cooperlake /tmp/kernels     # OpenBLAS's own choice on this CPU      */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
#include <dnnl.h>
#ifdef WITH_BLIS
#include <blis.h>
#endif
#include "CVectorMath.h"

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

enum { OPENBLAS, DNNL, BLIS, LIBRARIES };
static const char *names[LIBRARIES] = {"openblas", "dnnl", "blis"};

static void product(int library, int m, int n, int k, const float *a, const float *b, float *c) {
    switch (library) {
    case OPENBLAS: cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1, a, k, b, n, 0, c, n); break;
    case DNNL: dnnl_sgemm('N', 'N', m, n, k, 1, a, k, b, n, 0, c, n); break;
#ifdef WITH_BLIS
    case BLIS: { float one = 1, zero = 0; bli_sgemm(BLIS_NO_TRANSPOSE, BLIS_NO_TRANSPOSE, m, n, k, &one, (float *)a, k, 1, (float *)b, n, 1, &zero, c, n, 1); } break;
#endif
    }
}

/* oneDNN's first product in the process (must run before any other) against its second, and
   the mean cost of a CPUID instruction. */
static void fixed_costs(void) {
    int m = 200, n = 64, k = 300;
    float *a = calloc((size_t)m * k, sizeof(float)), *b = calloc((size_t)k * n, sizeof(float)), *c = calloc((size_t)m * n, sizeof(float));
    for (int call = 1; call <= 2; call++) {
        double t0 = now();
        dnnl_sgemm('N', 'N', m, n, k, 1, a, k, b, n, 0, c, n);
        printf("oneDNN product %d of the process (%d × %d × %d): %.2f ms\n", call, m, n, k, (now() - t0) * 1e3);
    }
    free(a); free(b); free(c);
    unsigned eax, ebx, ecx, edx;
    double t0 = now();
    /* Volatile: cpuid.h's asm is not, and clang runs it once for the whole loop. */
    for (int i = 0; i < 1000; i++) __asm__ __volatile__("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(7), "c"(0));
    printf("CPUID: %.2f µs each\n", (now() - t0) * 1e3);
}

/* One thread's share of `two_cores`: `repeats` runs of one kernel on buffers of its own. */
typedef struct {
    int kernel;
    long repeats;
    double seconds;
} core_work;

static void *run_kernel(void *argument) {
    core_work *work = argument;
    if (work->kernel == 0) {
        /* Basset's second convolution as an im2col product (200 × 333 × 3300), oneDNN. */
        int m = 200, n = 333, k = 3300;
        float *a = calloc((size_t)m * k, sizeof(float)), *b = calloc((size_t)k * n, sizeof(float)), *c = calloc((size_t)m * n, sizeof(float));
        dnnl_sgemm('N', 'N', m, n, k, 1, a, k, b, n, 0, c, n);
        double t0 = now();
        for (long r = 0; r < work->repeats; r++) dnnl_sgemm('N', 'N', m, n, k, 1, a, k, b, n, 0, c, n);
        work->seconds = now() - t0;
        free(a); free(b); free(c);
    } else {
        /* code-shallow-relu's first layer (4 → 24 channels, 19 taps, 200 nt, ReLU), direct, on
           `samples` samples, then its max pool of 50: a full pass over a chunk of ISM's mutants,
           whose activations (1.2 MB for 64 samples) outgrow L1. */
        int samples = work->kernel == 1 ? 1 : 64;
        long length = work->kernel == 3 ? 1000 : 200;
        seqlens_convolution shape = {4, length, 24, 19, 1, 9, length};
        float *x = calloc((size_t)samples * 4 * length, sizeof(float)), *w = calloc(24 * 4 * 19, sizeof(float));
        float *y = calloc((size_t)samples * 24 * length, sizeof(float)), *pooled = calloc((size_t)samples * 24 * length / 50, sizeof(float));
        float *scratch = calloc((size_t)seqlens_direct_convolution_scratch(&shape, length), sizeof(float));
        for (long i = 0; i < samples * 4 * length; i++) x[i] = (i % 7) * 0.25f;
        for (int i = 0; i < 24 * 4 * 19; i++) w[i] = (i % 5) * 0.125f - 0.25f;
        double t0 = now();
        for (long r = 0; r < work->repeats; r++) {
            for (int sample = 0; sample < samples; sample++)
                seqlens_direct_convolution(&shape, x + sample * 4 * length, w, NULL, 1, y + sample * 24 * length, 0, length, scratch);
            seqlens_max_pool_rows(y, pooled, samples * 24, length, length / 50, 50, 50);
        }
        work->seconds = now() - t0;
        free(x); free(w); free(y); free(pooled); free(scratch);
    }
    return NULL;
}

/* Two threads computing at once against one alone: the most a second thread can add to a
   command made of this kernel (a CPU's cores share power and clocks, a VM's vCPUs may share
   more). Three rounds each, the best kept. */
static void two_cores(void) {
    const char *labels[] = {"oneDNN sgemm 200 × 333 × 3300", "convolution 4 → 24, k 19, 200 nt + pool",
                            "the same on 64 samples (1.2 MB)", "the same on 64 × 1,000 nt (6.1 MB)"};
    const long repeats[] = {300, 60000, 1000, 200};
    for (int kernel = 0; kernel < 4; kernel++) {
        double alone = 1e9, together = 1e9;
        for (int round = 0; round < 3; round++) {
            core_work one = {kernel, repeats[kernel], 0};
            run_kernel(&one);
            if (one.seconds < alone) alone = one.seconds;
            core_work pair[2] = {{kernel, repeats[kernel], 0}, {kernel, repeats[kernel], 0}};
            pthread_t other;
            pthread_create(&other, NULL, run_kernel, &pair[1]);
            run_kernel(&pair[0]);
            pthread_join(other, NULL);
            double slower = pair[0].seconds > pair[1].seconds ? pair[0].seconds : pair[1].seconds;
            if (slower < together) together = slower;
        }
        printf("%-44s one thread %.3f s, two at once %.3f s each: two threads do %.2f× one's work\n",
               labels[kernel], alone, together, 2 * alone / together);
    }
}

/* ISM's scatter of per-column products on Basset's second layer ("thirteenth round"): a chunk's
   441 changed columns (63 variants, a run of 7 each) × 200 filters × 11 taps added into the
   variants' 24-position output windows, column by column (`seqlens_add_rows`, a masked load,
   add and store per column and filter) against a run at a time (`seqlens_add_run_taps`). */
static void scatter(void) {
    const long variants = 63, run = 7, filters = 200, kernel = 11, width = 24, columns = variants * run;
    float *rows = malloc(sizeof(float) * columns * filters * kernel), *out = calloc((size_t)variants * filters * width, sizeof(float));
    for (long i = 0; i < columns * filters * kernel; i++) rows[i] = (i % 7) * 0.25f;
    for (int method = 0; method < 2; method++) {
        double best = 1e9;
        for (int round = 0; round < 5; round++) {
            double t0 = now();
            for (int repeat = 0; repeat < 20; repeat++) {
                for (long v = 0; v < variants; v++) {
                    const float *source = rows + v * run * filters * kernel;
                    float *target = out + v * filters * width;
                    if (method == 1) {
                        seqlens_add_run_taps(source, filters * kernel, run, kernel, target, width, filters, 3, 0, width - 3);
                        continue;
                    }
                    for (long j = 0; j < run; j++) seqlens_add_rows(source + j * filters * kernel, kernel, target + 3 + j, width, filters, kernel);
                }
            }
            double t = (now() - t0) / 20;
            if (t < best) best = t;
        }
        printf("ISM scatter, %s: %.3f ms a chunk, %.2f ns a column and filter\n",
               method == 0 ? "column by column (seqlens_add_rows)" : "a run at a time (seqlens_add_run_taps)",
               best * 1e3, best * 1e9 / (columns * filters));
    }
    free(rows); free(out);
}

/* Attention's per-head products ("fourteenth round"): a batch of equal products as separate
   dnnl_sgemm calls against one oneDNN matmul primitive over the whole batch (what
   `BLAS.batchedSgemm` does). Scores (49 × 16 × 49) and weighted values (49 × 49 × 16) of the
   zoo's transformer-learned: 2 heads of 16 over 49 tokens, so a batch of 64 sequences is 128
   products, one thread's part of it at two threads 64. */
static void batched_products(void) {
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    if (dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success || dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) != dnnl_success) return;
    const int batches[] = {4, 8, 64, 128}, products[][3] = {{49, 49, 16}, {49, 16, 49}};
    for (int p = 0; p < 2; p++) {
        for (int bi = 0; bi < 4; bi++) {
            int count = batches[bi], m = products[p][0], n = products[p][1], k = products[p][2];
            float *a = malloc(sizeof(float) * count * m * k), *b = malloc(sizeof(float) * count * k * n), *c = malloc(sizeof(float) * count * m * n);
            for (long i = 0; i < (long)count * m * k; i++) a[i] = rand() / (float)RAND_MAX;
            for (long i = 0; i < (long)count * k * n; i++) b[i] = rand() / (float)RAND_MAX;
            dnnl_memory_desc_t ad, bd, cd;
            dnnl_dims_t adims = {count, m, k}, bdims = {count, k, n}, cdims = {count, m, n};
            dnnl_memory_desc_init_by_tag(&ad, 3, adims, dnnl_f32, dnnl_abc);
            dnnl_memory_desc_init_by_tag(&bd, 3, bdims, dnnl_f32, dnnl_abc);
            dnnl_memory_desc_init_by_tag(&cd, 3, cdims, dnnl_f32, dnnl_abc);
            dnnl_matmul_desc_t operation;
            dnnl_primitive_desc_t descriptor;
            dnnl_primitive_t primitive;
            dnnl_memory_t am, bm, cm;
            double made = now();
            if (dnnl_matmul_desc_init(&operation, &ad, &bd, NULL, &cd) != dnnl_success
                || dnnl_primitive_desc_create(&descriptor, &operation, NULL, engine, NULL) != dnnl_success
                || dnnl_primitive_create(&primitive, descriptor) != dnnl_success) return;
            made = now() - made;
            dnnl_memory_create(&am, &ad, engine, a);
            dnnl_memory_create(&bm, &bd, engine, b);
            dnnl_memory_create(&cm, &cd, engine, c);
            dnnl_exec_arg_t arguments[] = {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}};
            double best[3] = {1e9, 1e9, 1e9};
            for (int round = 0; round < 5; round++) {
                for (int method = 0; method < 3; method++) {
                    double t0 = now();
                    for (int repeat = 0; repeat < 100; repeat++) {
                        if (method == 1) { dnnl_primitive_execute(primitive, stream, 3, arguments); continue; }
                        if (method == 2) {
                            /* As `BLAS.batchedSgemm` runs it: a stream and memory objects of its own each call. */
                            dnnl_stream_t own;
                            dnnl_memory_t ownA, ownB, ownC;
                            dnnl_stream_create(&own, engine, dnnl_stream_default_flags);
                            dnnl_memory_create(&ownA, &ad, engine, a);
                            dnnl_memory_create(&ownB, &bd, engine, b);
                            dnnl_memory_create(&ownC, &cd, engine, c);
                            dnnl_exec_arg_t ownArguments[] = {{DNNL_ARG_SRC, ownA}, {DNNL_ARG_WEIGHTS, ownB}, {DNNL_ARG_DST, ownC}};
                            dnnl_primitive_execute(primitive, own, 3, ownArguments);
                            dnnl_stream_wait(own);
                            dnnl_memory_destroy(ownA); dnnl_memory_destroy(ownB); dnnl_memory_destroy(ownC);
                            dnnl_stream_destroy(own);
                            continue;
                        }
                        for (int i = 0; i < count; i++)
                            dnnl_sgemm('N', 'N', m, n, k, 1, a + (long)i * m * k, k, b + (long)i * k * n, n, 0, c + (long)i * m * n, n);
                    }
                    double t = (now() - t0) / 100;
                    if (t < best[method]) best[method] = t;
                }
            }
            printf("%3d products of %d × %d × %d: separate sgemm calls %.1f µs, one matmul primitive %.1f µs (%.2f×; made in %.2f ms), "
                   "with its stream and memory objects made each call %.1f µs\n",
                   count, m, n, k, best[0] * 1e6, best[1] * 1e6, best[0] / best[1], made * 1e3, best[2] * 1e6);
            dnnl_memory_destroy(am); dnnl_memory_destroy(bm); dnnl_memory_destroy(cm);
            dnnl_primitive_destroy(primitive); dnnl_primitive_desc_destroy(descriptor);
            free(a); free(b); free(c);
        }
    }
    dnnl_stream_destroy(stream);
    dnnl_engine_destroy(engine);
}

int main(void) {
    fixed_costs();
    two_cores();
    scatter();
    batched_products();
    /* M × N × K: Basset's conv 2 and conv 1 as im2col products, multitask's convs at batch 64, a
       dense layer at batch 64, Basset's conv 3 at batch 64. */
    const int shapes[][3] = {{200, 333, 3300}, {300, 1000, 76}, {48, 12800, 224}, {96, 3200, 336},
                             {128, 768, 288}, {512, 64, 512}, {200, 7104, 1400}};
    openblas_set_num_threads(1);
#ifdef WITH_BLIS
    bli_thread_set_num_threads(1);
    const int libraries = LIBRARIES;
#else
    const int libraries = BLIS;
#endif
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
        for (long i = 0; i < (long)m * k; i++) a[i] = rand() / (float)RAND_MAX;
        for (long i = 0; i < (long)k * n; i++) b[i] = rand() / (float)RAND_MAX;
        double flops = 2.0 * m * n * k;
        int repeats = (int)(3e9 / flops) + 1;
        printf("%4d × %5d × %4d", m, n, k);
        for (int library = 0; library < libraries; library++) {
            product(library, m, n, k, a, b, c);  /* a first call JIT-compiles oneDNN's kernel */
            double best = 1e9;
            for (int round = 0; round < 3; round++) {
                double t0 = now();
                for (int r = 0; r < repeats; r++) product(library, m, n, k, a, b, c);
                double t = now() - t0;
                if (t < best) best = t;
            }
            printf("   %s %6.1f GFLOP/s", names[library], flops * repeats / best / 1e9);
        }
        printf("\n");
        free(a); free(b); free(c);
    }

    long count = 4000000;
    float *x = malloc(sizeof(float) * count);
    const char *kernels[] = {"seqlens_tanh (exp)", "seqlens_scaled_tanh (rational)", "libm tanhf"};
    for (int kernel = 0; kernel < 3; kernel++) {
        double best = 1e9;
        for (int round = 0; round < 3; round++) {
            for (long i = 0; i < count; i++) x[i] = (i - count / 2) * (20.0f / count);
            double t0 = now();
            if (kernel == 0) seqlens_tanh(x, count);
            else if (kernel == 1) seqlens_scaled_tanh(x, count, 1, 1, 0);
            else for (long i = 0; i < count; i++) x[i] = tanhf(x[i]);
            double t = now() - t0;
            if (t < best) best = t;
        }
        printf("%-32s %.2f ns a value\n", kernels[kernel], best / count * 1e9);
    }
    free(x);
    return 0;
}
