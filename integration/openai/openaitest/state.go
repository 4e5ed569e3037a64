package openaitest

// state is everything the fake remembers between requests. It is guarded
// by Handler.mu. Objects are kept in creation order; list endpoints sort a
// copy. Values handed to the JSON encoder are copies taken under the lock.
type state struct {
	assistants    []*assistantObject
	assistantByID map[string]*assistantObject
	threads       map[string]*thread
	files         []*storedFile
	fileByID      map[string]*storedFile
	images        map[string][]byte
	imageOrder    []string
	conversations map[string]*conversation
	responses     map[string]*storedResponse
	seq           int64 // last position given to a stored item
}

func (s *state) init() {
	s.assistantByID = map[string]*assistantObject{}
	s.threads = map[string]*thread{}
	s.fileByID = map[string]*storedFile{}
	s.images = map[string][]byte{}
	s.conversations = map[string]*conversation{}
	s.responses = map[string]*storedResponse{}
}

// thread is a thread with its messages and runs.
type thread struct {
	obj      threadObject
	messages []*messageObject
	runs     map[string]*runObject
	active   string // id of the queued or in-progress run, if any
}
