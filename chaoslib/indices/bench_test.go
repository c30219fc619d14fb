package indices

import (
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// Benchmarks at the full evaluation size, n = 10,000 samples of N = 784.
// Run once each: go test -run '^$' -bench 10k -benchtime=1x

func BenchmarkEAAI10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(27, 28))
	data, gen := uniform(rng, 10000, 784, -1, 1), uniform(rng, 10000, 784, -1, 1)
	b.ResetTimer()
	for b.Loop() {
		if _, err := EAAI(data, gen); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEs10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(29, 30))
	data, gen := uniform(rng, 10000, 784, -1, 1), uniform(rng, 10000, 784, -1, 1)
	b.ResetTimer()
	for b.Loop() {
		Es(data, gen)
	}
}

func BenchmarkE2_10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(31, 32))
	data, gen := uniform(rng, 10000, 784, -1, 1), uniform(rng, 10000, 784, -1, 1)
	b.ResetTimer()
	for b.Loop() {
		E2(data, gen)
	}
}

func BenchmarkSamplesIO10k(b *testing.B) {
	x := uniform(rand.New(rand.NewPCG(33, 34)), 10000, 784, -1, 1)
	path := filepath.Join(b.TempDir(), "s.npy")
	b.ResetTimer()
	for b.Loop() {
		if err := WriteSamples(path, x); err != nil {
			b.Fatal(err)
		}
		if _, err := ReadSamples(path); err != nil {
			b.Fatal(err)
		}
	}
}
