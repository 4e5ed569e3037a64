package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// spinnerDelay is how long a call runs before the spinner shows.
const spinnerDelay = time.Second

// spinner shows the function in flight and its elapsed time on a terminal's
// standard error, once a call has taken longer than spinnerDelay.
type spinner struct {
	w       io.Writer
	enabled bool
	mu      sync.Mutex
	done    chan struct{}
	wg      sync.WaitGroup
}

func newSpinner(w io.Writer, enabled bool) *spinner { return &spinner{w: w, enabled: enabled} }

func (s *spinner) start(function, account string) {
	if !s.enabled {
		return
	}
	s.stop()
	s.mu.Lock()
	defer s.mu.Unlock()
	done := make(chan struct{})
	s.done = done
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		began := time.Now()
		frames := []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
		timer := time.NewTimer(spinnerDelay)
		defer timer.Stop()
		select {
		case <-done:
			return
		case <-timer.C:
		}
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(s.w, "\r%c %s (%s) %.1fs", frames[i%len(frames)], function, account, time.Since(began).Seconds())
			select {
			case <-done:
				fmt.Fprint(s.w, "\r\033[K")
				return
			case <-tick.C:
			}
		}
	}()
}

func (s *spinner) stop() {
	s.mu.Lock()
	if s.done != nil {
		close(s.done)
		s.done = nil
	}
	s.mu.Unlock()
	s.wg.Wait()
}
