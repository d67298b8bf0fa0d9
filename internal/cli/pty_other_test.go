//go:build !linux

package cli

import (
	"errors"
	"os"
)

func openPTY() (ptm, tty *os.File, err error) {
	return nil, nil, errors.New("no pty helper on this OS")
}
