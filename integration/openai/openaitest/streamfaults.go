package openaitest

import (
	"context"
	"net/http"
	"sync"
)

// StreamFault changes how the fake streams a chat completion (stream =
// true): it stops the stream or holds it after a number of chunks, for
// testing clients that read streams. Inject it with
// [Handler.InjectStreamFault]; it applies to the next streamed chat
// completion (of Model, when set) and is then used up.
type StreamFault struct {
	// Model, if set, selects only requests for this model.
	Model string
	// After is the number of chunks sent before the fault acts.
	After int
	// Hold, if not nil, pauses the stream after After chunks until Hold is
	// closed (or the client goes away), then goes on: a test can see that
	// the first chunks reached the client before the stream ended.
	Hold <-chan struct{}
	// Cut drops the connection after After chunks (after Hold, if both are
	// set), before data: [DONE]: the client reads a chunked body that ends
	// unexpectedly.
	Cut bool
}

// streamFaults holds the injected stream faults, first injected first used.
type streamFaults struct {
	mu     sync.Mutex
	faults []StreamFault
}

// InjectStreamFault adds a fault for the next streamed chat completion.
func (h *Handler) InjectStreamFault(f StreamFault) {
	h.streams.mu.Lock()
	defer h.streams.mu.Unlock()
	h.streams.faults = append(h.streams.faults, f)
}

// take returns the first fault for model, removing it.
func (s *streamFaults) take(model string) (StreamFault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Model == "" || f.Model == model {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f, true
		}
	}
	return StreamFault{}, false
}

// before runs the fault's effect before chunk number sent+1; it reports
// whether the stream goes on.
func (f *StreamFault) before(ctx context.Context, sent int) bool {
	if f == nil || sent != f.After {
		return true
	}
	if f.Hold != nil {
		select {
		case <-f.Hold:
		case <-ctx.Done():
			return false
		}
	}
	if f.Cut {
		panic(http.ErrAbortHandler) // the connection is dropped mid-body
	}
	return true
}
