package auth

import (
	"bytes"
	"io"
	"net/http"

	"github.com/hhjobs/hhjobs/internal/hhapi"
)

// decodeTokenError is what postToken does with a token-endpoint answer of
// status with body: hhapi decodes it, tokenError turns it into a *TokenError.
func decodeTokenError(status int, body []byte) *TokenError {
	err := hhapi.DecodeOAuthError(&http.Response{StatusCode: status, Header: http.Header{},
		Body: io.NopCloser(bytes.NewReader(body))})
	te, _ := tokenError(err)
	return te
}
