package runs

import (
	"github.com/chaosgen/chaosgen/chaoslib/indices"
	"github.com/chaosgen/chaosgen/data"
)

// ClassifierTrainSize is how many training images the coverage classifier
// (1-nearest-neighbour) keeps.
const ClassifierTrainSize = 10000

// Data is a data set's splits and its coverage classifier.
type Data struct {
	Train, Test *data.Set
	Classifier  *indices.Classifier // 1-NN on the first ClassifierTrainSize training images
}

// LoadData loads both splits of dataset ("mnist" or "fashion-mnist") from
// the data folder and builds the coverage classifier.
func LoadData(dataset string) (*Data, error) {
	train, err := data.Load(dataset, "train")
	if err != nil {
		return nil, err
	}
	test, err := data.Load(dataset, "test")
	if err != nil {
		return nil, err
	}
	head := train.Head(min(ClassifierTrainSize, train.Len()))
	return &Data{Train: train, Test: test, Classifier: indices.NewClassifier(head.X, head.Labels, data.Classes)}, nil
}
