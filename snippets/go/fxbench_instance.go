// fxbench instance-id snippet (Go). Copy into your function's package.
//
// It makes an id once per instance (at package init) and counts invocations,
// and sets both as response headers; fxbench counts a response whose count is 1
// as a cold start, and distinct ids as instances.
//
//	func Handler(w http.ResponseWriter, r *http.Request) {
//		SetFxbenchHeaders(w.Header())
//		...
//	}
package function

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync/atomic"
)

var (
	fxbenchInstanceID  = newFxbenchID()
	fxbenchInvocations atomic.Int64
)

func newFxbenchID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SetFxbenchHeaders adds the instance id and this instance's invocation count (1 on its first).
func SetFxbenchHeaders(h http.Header) {
	n := fxbenchInvocations.Add(1)
	h.Set("X-Fxbench-Instance-Id", fxbenchInstanceID)
	h.Set("X-Fxbench-Invocations", strconv.FormatInt(n, 10))
}
