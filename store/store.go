// Package store keeps what the host itself must remember between scripts:
// objects an integration keeps on the host's side because the provider no
// longer does (OpenAI's assistants, since the Assistants API was sunset).
//
// A Store holds records: JSON documents of one kind, owned by one scope (an
// account's identity), each with an id and a creation time. Nothing here
// knows an integration; the engines (store/sqlite for one machine) know
// nothing above this interface.
package store

import (
	"context"
	"errors"
	"fmt"
)

// ErrNotFound is a record that does not exist in its kind and scope.
var ErrNotFound = errors.New("not found")

// ErrExists is a Put whose id is already taken in its kind and scope.
var ErrExists = errors.New("already exists")

// Record is one stored object.
type Record struct {
	// Kind names what the record is, e.g. "openai.assistant".
	Kind string
	// Scope names whose it is: records of one scope are invisible to
	// another. An integration derives it from the account.
	Scope string
	// ID is unique within its kind and scope.
	ID string
	// CreatedAt is the creation time in Unix seconds.
	CreatedAt int64
	// Body is the record itself, a JSON document.
	Body []byte
}

// Order is the order of a listing by creation time.
type Order string

// The two orders; records created in the same second keep the order in
// which they were put.
const (
	Desc Order = "desc" // newest first (the default)
	Asc  Order = "asc"  // oldest first
)

// ListOptions select a page of records.
type ListOptions struct {
	// Limit is the most records returned; values below 1 mean 20.
	Limit int
	// Order is Desc (the default when empty) or Asc.
	Order Order
	// After, when set, is the id of a record: the page starts right after
	// it in the order. An id that does not exist is ErrNotFound.
	After string
}

// Page is one listing.
type Page struct {
	Records []Record
	// HasMore says whether records follow the last one returned.
	HasMore bool
}

// Store is the host's state. Implementations are safe for concurrent use,
// also by several processes sharing one database.
type Store interface {
	// Put adds a record; ErrExists when its id is taken in its kind and
	// scope.
	Put(ctx context.Context, r Record) error
	// Get returns one record, or ErrNotFound.
	Get(ctx context.Context, kind, scope, id string) (Record, error)
	// List returns a page of the records of one kind and scope.
	List(ctx context.Context, kind, scope string, opts ListOptions) (Page, error)
	// Close releases the store.
	Close() error
}

// DefaultLimit is the page size of a List whose Limit is below 1.
const DefaultLimit = 20

// Plan reads the options as an engine needs them: the page size (Limit,
// or DefaultLimit when below 1) and whether the order is ascending; an
// order other than Desc, Asc or empty is an error.
func (o ListOptions) Plan() (limit int, asc bool, err error) {
	limit = o.Limit
	if limit < 1 {
		limit = DefaultLimit
	}
	switch o.Order {
	case "", Desc:
		return limit, false, nil
	case Asc:
		return limit, true, nil
	}
	return 0, false, fmt.Errorf("unknown order %q", o.Order)
}

// NewPage is the page of an engine that fetched up to one more record than
// limit, to know whether more follow.
func NewPage(records []Record, limit int) Page {
	if records == nil {
		records = []Record{}
	}
	if len(records) > limit {
		return Page{Records: records[:limit], HasMore: true}
	}
	return Page{Records: records}
}
