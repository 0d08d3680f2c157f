package report

import (
	_ "embed"
)

// The decree's Times New Roman cannot be shipped; Liberation Serif is
// metric-compatible with it, covers Vietnamese fully and is licensed under
// the SIL OFL 1.1 (fonts/OFL.txt).
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	serifRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	serifBold []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	serifItalic []byte
	//go:embed fonts/LiberationSerif-BoldItalic.ttf
	serifBoldItalic []byte
)

// family is the name the fonts are registered under.
const family = "LiberationSerif"

// Font styles as fpdf names them.
const (
	regular    = ""
	bold       = "B"
	italic     = "I"
	boldItalic = "BI"
)

// fontFiles lists each style with its embedded TrueType bytes, in a fixed
// order so that fonts are registered the same way every time.
var fontFiles = []struct {
	style string
	data  []byte
}{
	{regular, serifRegular},
	{bold, serifBold},
	{italic, serifItalic},
	{boldItalic, serifBoldItalic},
}
