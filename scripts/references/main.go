// Command references scores two generators that are not models against the
// test set, with the indices of RESULTS.md (E2, Es, EAAI, AA_truth, AA_syn,
// coverage; n = 10,000 by default), so that a model's scores can be read
// against them:
//
//   - held-out images: the n training images after the classifier's first
//     10,000 (runs.ClassifierTrainSize), class-balanced, an ideal generator
//     that draws from the data distribution itself. Its EAAI is the floor at
//     this n: sampling noise, and on MNIST the test digits' other writers.
//   - Gaussian: n draws of N(μ, Σ), μ and Σ the mean and covariance of all
//     training images in s-space, each pixel then clamped to [−1, 1]: a
//     generator that matches the data's first and second moments and
//     nothing else. CHL on the unrestricted model's pairwise couplings
//     matches these same moments (docs/TUNING.md, round 23).
//
// --samples adds a model's samples (an .npy of `chaosgen sample`) as a third
// row, and --png draws the first 32 images of each set, the test images
// first, side by side.
//
//	go run ./scripts/references --dataset mnist
//	chaosgen sample --checkpoint pretrained/unrestricted-mnist/checkpoints/step-0010000.npz --n 10000 --out um.npy
//	go run ./scripts/references --dataset mnist --samples um.npy --png refs.png
package main

import (
	"flag"
	"fmt"
	"image"
	"log"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/mat"

	"github.com/chaosgen/chaosgen/chaoslib"
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/chaoslib/runs"
	"github.com/chaosgen/chaosgen/data"
	"github.com/chaosgen/chaosgen/internal/openblas"
	"github.com/chaosgen/chaosgen/plots"
)

// streamGaussian is the PCG stream of the Gaussian draws ("gauss").
const streamGaussian = 0x6761757373

func main() {
	dataset := flag.String("dataset", "mnist", "mnist or fashion-mnist")
	n := flag.Int("n", 10000, "test images, and samples of each reference")
	seed := flag.Uint64("seed", 1, "seed of the Gaussian draws")
	samples := flag.String("samples", "", "also score these samples (.npy, n×784 or more rows, s-space), e.g. from chaosgen sample")
	png := flag.String("png", "", "draw the first 32 images of the test set and of each generator side by side")
	flag.Parse()
	if flag.NArg() > 0 {
		log.Fatalf("unexpected argument %q (flags go before it)", flag.Arg(0))
	}
	openblas.Choose()
	d, err := runs.LoadData(*dataset)
	if err != nil {
		log.Fatal(err)
	}
	if *n < indices.MinN || *n > d.Test.Len() || *n > d.Train.Len()-runs.ClassifierTrainSize {
		log.Fatalf("--n %d: want %d…%d", *n, indices.MinN, min(d.Test.Len(), d.Train.Len()-runs.ClassifierTrainSize))
	}
	test := d.Test.Head(*n).X
	train := d.Train.X
	heldOut := heldOutRows(train, *n)
	mu, cov := moments(train)
	refs := []reference{{"held-out images", heldOut}, {"Gaussian", gaussian(mu, cov, *n, rand.New(rand.NewPCG(*seed, streamGaussian)))}}
	if *samples != "" {
		x, err := indices.ReadSamplesN(*samples, train.Cols)
		if err != nil {
			log.Fatal(err)
		}
		if x.Rows < *n {
			log.Fatalf("--samples %s: %d rows, want at least --n %d", *samples, x.Rows, *n)
		}
		refs = append(refs, reference{strings.TrimSuffix(filepath.Base(*samples), ".npy"), blas32.General{Rows: *n, Cols: x.Cols, Stride: x.Stride, Data: x.Data[:*n*x.Stride]}})
	}
	fmt.Printf("%s, n = %d test images against as many samples of each generator\n", *dataset, *n)
	fmt.Printf("%-16s %9s %9s %7s %9s %7s %9s\n", "generator", "E2", "Es", "EAAI", "AA_truth", "AA_syn", "coverage")
	for _, ref := range refs {
		r, err := indices.Score(test, ref.gen, d.Classifier)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-16s %9.3g %9.3g %7.3f %9.3f %7.3f %6d/%d\n", ref.name, r.E2, r.Es, r.EAAI, r.AATruth, r.AASyn, r.Coverage, len(r.Hist))
	}
	if *png != "" {
		titles, grids := []string{"test images"}, []image.Image{grid(test)}
		for _, ref := range refs {
			titles, grids = append(titles, ref.name), append(grids, grid(ref.gen))
		}
		if err := plots.SavePNG(*png, plots.LabelledGrids(titles, grids)); err != nil {
			log.Fatal(err)
		}
	}
}

// reference is a set of generated images and its name.
type reference struct {
	name string
	gen  blas32.General
}

// grid draws the first 32 rows of x, 4 to a row.
func grid(x blas32.General) image.Image {
	return plots.ImageGrid(chaoslib.Rows(x)[:min(32, x.Rows)], data.Side, 4, 2)
}

// heldOutRows returns the n training rows after the coverage classifier's
// first runs.ClassifierTrainSize: class-balanced on both data sets, where
// MNIST's last rows are not (1,742 ones and 421 fives among its last 10,000).
func heldOutRows(train blas32.General, n int) blas32.General {
	lo := runs.ClassifierTrainSize * train.Stride
	return blas32.General{Rows: n, Cols: train.Cols, Stride: train.Stride, Data: train.Data[lo : lo+n*train.Stride]}
}

// moments returns the column means μ_j = ⟨x_j⟩ and the population
// covariance Σ = indices.Covariance(x) of the rows of x.
func moments(x blas32.General) ([]float64, *mat.SymDense) {
	mu := make([]float64, x.Cols)
	for i := range x.Rows {
		for j, v := range x.Data[i*x.Stride : i*x.Stride+x.Cols] {
			mu[j] += float64(v)
		}
	}
	for j := range mu {
		mu[j] /= float64(x.Rows)
	}
	var cov mat.SymDense
	cov.SetRawSymmetric(indices.Covariance(x))
	return mu, &cov
}

// gaussian returns n rows x = μ + V Λ^½ z, z ~ N(0, I), where Σ = V Λ Vᵀ
// (eigenvalues below 0, rounding error of a positive semi-definite Σ, taken
// as 0), so that x ~ N(μ, Σ); each value is then clamped to [−1, 1].
func gaussian(mu []float64, cov *mat.SymDense, n int, rng *rand.Rand) blas32.General {
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		log.Fatal("references: the covariance has no eigendecomposition")
	}
	var v mat.Dense
	eig.VectorsTo(&v)
	dim := len(mu)
	for k, l := range eig.Values(nil) { // V Λ^½: scale column k by √λ_k
		s := math.Sqrt(max(l, 0))
		for j := range dim {
			v.Set(j, k, v.At(j, k)*s)
		}
	}
	z := mat.NewDense(n, dim, nil)
	for i := range n {
		for k := range dim {
			z.Set(i, k, rng.NormFloat64())
		}
	}
	var x mat.Dense
	x.Mul(z, v.T()) // row i: (V Λ^½ z_i)ᵀ
	out := blas32.General{Rows: n, Cols: dim, Stride: dim, Data: make([]float32, n*dim)}
	for i := range n {
		for j := range dim {
			out.Data[i*dim+j] = float32(max(-1, min(1, x.At(i, j)+mu[j])))
		}
	}
	return out
}
