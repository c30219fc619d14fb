package runs

import (
	"testing"

	"github.com/chaosgen/chaosgen/chaoslib"
)

func TestFigureEval(t *testing.T) {
	for _, tc := range []struct {
		quick bool
		steps int
		want  Eval
	}{
		{false, 3000, Eval{Every: 200, N: 1000}},
		{true, 300, Eval{Every: 20, N: 300}},
		{true, 29, Eval{Every: 1, N: 300}},   // 29/15 = 1
		{false, 10, Eval{Every: 1, N: 1000}}, // at least 1
		{false, 0, Eval{Every: 1, N: 1000}},
	} {
		if got := FigureEval(tc.quick, chaoslib.Config{Steps: tc.steps}); got != tc.want {
			t.Errorf("FigureEval(%v, Steps %d) = %+v, want %+v", tc.quick, tc.steps, got, tc.want)
		}
	}
}
