package chaoslib

import "fmt"

// Silence clamps the given units of a hidden layer to 0 for all later runs
// of this model: φ(x_a) = 0 is what they pass on, so every outgoing coupling
// of unit a (in W and J, both directions) is set to 0. This is Fig. 4's
// companion experiment. It changes the model in place; reload the
// checkpoint to undo it. Training a silenced model is not meaningful.
func (m *Model) Silence(layer int, units []int) error {
	if layer <= 0 || layer >= len(m.Layers) {
		return fmt.Errorf("chaoslib: Silence: layer %d is not a hidden layer of model %s", layer, m.Cfg.Arch)
	}
	size := m.Layers[layer].Size
	for _, a := range units {
		if a < 0 || a >= size {
			return fmt.Errorf("chaoslib: Silence: unit %d outside layer %s (size %d)", a, m.Layers[layer].Name, size)
		}
	}
	for _, c := range m.Conns {
		var names []string
		switch layer {
		case c.B: // unit a is column a: silences B → A (W, Jdown) and its own input (Jup), harmless
			names = []string{"W_" + c.Name, "Jdown_" + c.Name}
		case c.A: // unit a is row a: silences A → B (W, Jup)
			names = []string{"W_" + c.Name, "Jup_" + c.Name}
		default:
			continue
		}
		for _, name := range names {
			p, err := m.Param(name)
			if err != nil {
				return err
			}
			for _, a := range units {
				if layer == c.B {
					for i := 0; i < p.Rows; i++ {
						p.Data[i*p.Cols+a] = 0
					}
				} else {
					clear(p.Data[a*p.Cols : (a+1)*p.Cols])
				}
			}
			if err := m.SetParam(name, p.Data); err != nil {
				return err
			}
		}
	}
	return nil
}
