//go:build !unix

package auth

import "os"

// Without flock the lock only orders goroutines of one process (see
// TokenStore.Lock); concurrent hhjobs processes are not serialised.
func tryLock(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) error { return nil }
