// Package analysis measures trained models beyond the accuracy indices
// (package indices): how free runs move and separate (UnitTrajectories,
// NearbyDistance), whether chains collapse onto few states (ChainVariance,
// PixelVariance), and how structured the receptive fields of the hidden
// units are (ReceptiveFields, Smoothness). The figures and notebooks draw
// what it returns.
package analysis
