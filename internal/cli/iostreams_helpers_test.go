package cli

// SetTTY overrides terminal detection. The third argument (stdin) is
// ignored: no command prompts, so nothing asks whether stdin is a terminal.
func (s *IOStreams) SetTTY(out, err, _ bool) { s.outTTY, s.errTTY = out, err }
