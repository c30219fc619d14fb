// Package indices computes the accuracy indices of Appendix B of Fournier &
// Urbani (2024), "Generative modeling through internal high-dimensional chaotic
// activity": the second-moment error E2, the spectrum error Es, the
// reconstruction error ER and the adversarial-accuracy index EAAI, plus a
// class-coverage measure (a 1-nearest-neighbour classifier applied to generated
// samples) and .npy input/output of sample sets.
//
// A sample set is a blas32.General of n rows (samples) by N columns (visible
// units, N = 784 for MNIST, but any N works), row-major float32 values in
// s-space [−1, 1]. Every computation is carried out in float64 on float64
// copies of the samples (but EAAI's distance search, in float32 with float64
// rechecks that keep the float64 answer), with BLAS (OpenBLAS through
// github.com/chaosgen/chaosgen/internal/openblas) for the heavy products.
//
// Functions whose signature has no error (E2, Es, Spectrum, ER, the
// Classifier methods, Coverage) panic, with a "chaoslib: indices:" prefix, on
// programming errors: mismatched column counts, empty sets where a statistic
// is undefined, or labels out of range. EAAI, Score and the file functions
// return errors prefixed "indices:".
//
// # Speed
//
// At n = 10,000 and N = 784, EAAI dominates: on realistic data it bounds
// all 4·10⁸ pairs of points by one 67-column SGEMM and computes about 10⁶
// distances exactly; on data that defeats the bound (uniform noise) it
// computes all distances, 2n²N multiply-adds in SGEMM (see EAAI). E2 and Es
// cost two DSYRKs and one 784×784 symmetric eigenproblem per set.
//
// OpenBLAS picks its kernels by CPU detection when the library loads; where
// it does not recognise the CPU it falls back to a generic core
// (OPENBLAS_VERBOSE=2 prints "Core: Prescott") that is several times slower.
// The chaosgen command and the notebooks switch to the fastest family this
// CPU supports at start-up (README, "Speed"); a program of your own gets the
// same by setting OPENBLAS_CORETYPE (for example SkylakeX or Haswell,
// whichever the CPU supports) in its environment.
package indices
