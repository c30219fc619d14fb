package data

// roundRobin returns the permutation that interleaves classes: the first image
// of class 0, of class 1, …, of class 9, then the second image of each class,
// and so on, keeping each class's original order. A class that runs out is
// skipped, so the round-robin continues over the classes that remain. Labels
// must be < Classes.
func roundRobin(labels []uint8) []int {
	var byClass [Classes][]int
	for i, l := range labels {
		byClass[l] = append(byClass[l], i)
	}
	perm := make([]int, 0, len(labels))
	for r := 0; len(perm) < len(labels); r++ {
		for c := range byClass {
			if r < len(byClass[c]) {
				perm = append(perm, byClass[c][r])
			}
		}
	}
	return perm
}

// permute returns the images and labels reordered by perm: output image k is
// input image perm[k].
func permute(pix, labels []byte, perm []int) (outPix, outLabels []byte) {
	outPix = make([]byte, 0, len(pix))
	outLabels = make([]byte, 0, len(labels))
	for _, i := range perm {
		outPix = append(outPix, pix[i*Pixels:(i+1)*Pixels]...)
		outLabels = append(outLabels, labels[i])
	}
	return outPix, outLabels
}
