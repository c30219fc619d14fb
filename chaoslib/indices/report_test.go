package indices

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	train, tl := clusters(rng, 20, 6)
	clf := NewClassifier(train, tl, 3)
	data, _ := clusters(rng, 10, 6)
	gen := uniform(rng, 30, 6, 0.7, 0.9) // all near class 0
	r, err := Score(data, gen, clf)
	if err != nil {
		t.Fatal(err)
	}
	aa, _ := EAAI(data, gen)
	if r.E2 != E2(data, gen) || r.Es != Es(data, gen) || r.EAAI != aa.EAAI || r.AATruth != aa.Truth || r.AASyn != aa.Syn {
		t.Errorf("Score = %+v; E2 %g, Es %g, AA %+v", r, E2(data, gen), Es(data, gen), aa)
	}
	if r.N != 30 || r.Coverage != 1 || len(r.Hist) != 3 || r.Hist[0] != 30 || r.ER != nil {
		t.Errorf("Score = %+v; want n 30, coverage 1, hist [30 0 0], ER nil", r)
	}
	b, _ := json.Marshal(r)
	for _, key := range []string{`"E2":`, `"Es":`, `"EAAI":`, `"AA_truth":`, `"AA_syn":`, `"coverage":1`, `"hist":[30,0,0]`, `"n":30`, `"t":0`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON %s lacks %s", b, key)
		}
	}
	if strings.Contains(string(b), `"ER"`) {
		t.Errorf("JSON %s has ER although it does not apply", b)
	}
	er := 0.25
	r.ER, r.T = &er, 4
	b, _ = json.Marshal(r)
	if !strings.Contains(string(b), `"ER":0.25`) || !strings.Contains(string(b), `"t":4`) {
		t.Errorf("JSON %s lacks ER 0.25 or t 4", b)
	}

	if _, err := Score(data, uniform(rng, 29, 6, -1, 1), nil); err == nil {
		t.Error("Score with 30 vs 29 samples gave no error")
	}
	r, err = Score(data, data, nil)
	if err != nil || r.E2 != 0 || r.Es != 0 || r.EAAI != 0.5 || r.Hist != nil || r.Coverage != 0 {
		t.Errorf("Score(data, data, nil) = %+v, %v; want E2 = Es = 0, EAAI 0.5, no histogram", r, err)
	}
}

// TestScoreMinN: one sample per set is refused; its covariance is 0, so E2
// and Es would be 0 whatever the sample. Two are scored.
func TestScoreMinN(t *testing.T) {
	one := mk([]float32{0.5, -0.5})
	if _, err := Score(one, mk([]float32{-1, 1}), nil); err == nil {
		t.Error("one sample per set was scored")
	}
	if _, err := Score(mk([]float32{0.5, -0.5}, []float32{1, 1}), mk([]float32{-1, 1}, []float32{0, 0}), nil); err != nil {
		t.Errorf("two samples per set: %v", err)
	}
}
