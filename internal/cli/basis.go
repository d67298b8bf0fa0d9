package cli

import (
	"github.com/spf13/cobra"

	"github.com/hhjobs/hhjobs/internal/analytics"
)

// netHelp is the help of --net on every command that shows salaries.
const netHelp = "salaries after tax (--basis net): NDFL of the vacancy's date, progressive since 2025 (docs/methodology.md)"

// addBasisFlag adds --basis gross|net next to a command's --net.
func addBasisFlag(cmd *cobra.Command, basis *string) {
	cmd.Flags().StringVar(basis, "basis", "", "tax basis of salaries: gross (default) or net; --net is short for --basis net")
}

// salaryBasis resolves --basis and --net into analytics options.
func salaryBasis(basis string, net bool) (analytics.Options, error) {
	switch basis {
	case "":
		return analytics.Options{Net: net}, nil
	case "net":
		return analytics.Options{Net: true}, nil
	case "gross":
		if net {
			return analytics.Options{}, usageErrorf("--basis gross contradicts --net: give one of them")
		}
		return analytics.Options{}, nil
	}
	return analytics.Options{}, usageErrorf("--basis %q: valid are gross, net", basis)
}
