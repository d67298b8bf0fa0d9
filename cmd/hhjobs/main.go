// Command hhjobs collects hh.ru vacancies completely and turns them into HR analytics.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hhjobs/hhjobs/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.System())
	stop()
	os.Exit(code)
}
