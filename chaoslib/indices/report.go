package indices

import (
	"fmt"

	"gonum.org/v1/gonum/blas/blas32"
)

// Report bundles the accuracy indices of one generated set at one time t.
type Report struct {
	E2       float64  `json:"E2"`           // second-moment error, see E2
	Es       float64  `json:"Es"`           // spectrum error, see Es
	ER       *float64 `json:"ER,omitempty"` // reconstruction error, see ER; nil when it does not apply
	EAAI     float64  `json:"EAAI"`         // adversarial-accuracy index, see EAAI
	AATruth  float64  `json:"AA_truth"`     // AA_truth, see EAAI
	AASyn    float64  `json:"AA_syn"`       // AA_syn, see EAAI
	Coverage int      `json:"coverage"`     // classes holding ≥ DefaultMinFrac of the generated samples; 0 without a classifier
	Hist     []int    `json:"hist"`         // predicted-class histogram of the generated samples; nil without a classifier
	N        int      `json:"n"`            // number of samples in each set
	T        float64  `json:"t"`            // time at which the samples were taken; set by the caller
}

// MinN is the fewest samples per set that Score accepts: with one, both
// covariances are 0 and E2 and Es would read as a perfect match.
const MinN = 2

// Score computes every index of Report but ER (left nil) and T (left 0, for
// the caller to fill): E2, Es and EAAI of gen against data (equal sizes are
// required by EAAI), and, when clf is not nil, the class histogram and
// coverage (minFrac = DefaultMinFrac) of clf's predictions on gen. The
// covariance of each set is computed once and shared by E2 and Es.
func Score(data, gen blas32.General, clf *Classifier) (Report, error) {
	if data.Rows < MinN {
		return Report{}, fmt.Errorf("indices: %d samples per set; the indices need at least %d (one sample's covariance is 0)", data.Rows, MinN)
	}
	if clf != nil && clf.Cols() != gen.Cols { // before EAAI, the costly part
		return Report{}, fmt.Errorf("indices: the classifier was trained on %d columns, the samples have %d", clf.Cols(), gen.Cols)
	}
	aa, err := EAAI(data, gen) // checks layout, sizes, columns and finiteness first
	if err != nil {
		return Report{}, err
	}
	cd, cg := Covariance(data), Covariance(gen)
	r := Report{
		E2:      e2FromCov(cd, cg),
		Es:      esFromSpectra(spectrumOf(data, &cd), spectrumOf(gen, &cg), data.Cols),
		EAAI:    aa.EAAI,
		AATruth: aa.Truth,
		AASyn:   aa.Syn,
		N:       data.Rows,
	}
	if clf != nil {
		r.Hist, r.Coverage = Coverage(clf.Predict(gen), clf.Classes(), DefaultMinFrac)
	}
	return r, nil
}
