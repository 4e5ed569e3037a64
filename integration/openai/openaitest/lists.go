package openaitest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
)

// listResponse is the cursor-paginated list shape of the Assistants and
// Files APIs. first_id and last_id are null for an empty page, as the real
// API sends them.
type listResponse[T any] struct {
	Object  string  `json:"object"`
	Data    []T     `json:"data"`
	FirstID *string `json:"first_id"`
	LastID  *string `json:"last_id"`
	HasMore bool    `json:"has_more"`
}

// listQuery holds the pagination parameters of a list request.
type listQuery struct {
	limit  int
	desc   bool
	after  string
	before string
}

// parseListQuery reads limit, order, after and before (if allowed) from the
// query string, with the given default and maximum limit.
func parseListQuery(r *http.Request, defLimit, maxLimit int, withBefore bool) (listQuery, error) {
	q := r.URL.Query()
	lq := listQuery{limit: defLimit, desc: true}
	c := &checker{}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == float64(int64(f)) {
				n, err = int64(f), nil
			}
		}
		if err != nil {
			return lq, invalidRequest("limit", "invalid_type",
				"Invalid type for 'limit': expected an integer, but got a string instead.")
		}
		if !c.intRange("limit", n, 1, int64(maxLimit)) {
			return lq, c.Err()
		}
		lq.limit = int(n)
	}
	switch o := q.Get("order"); o {
	case "", "desc":
	case "asc":
		lq.desc = false
	default:
		c.enumAt("order", o, []string{"asc", "desc"})
		return lq, c.Err()
	}
	lq.after = q.Get("after")
	if withBefore {
		lq.before = q.Get("before")
	}
	return lq, nil
}

// paginate orders items (given oldest first, in insertion order) by
// created_at, ties kept in insertion order, reversed for "desc"; then it
// applies the after/before cursors and the limit. An unknown cursor is a 400
// naming it.
func paginate[T any](items []T, id func(T) string, created func(T) int64, q listQuery) (listResponse[T], error) {
	sorted := slices.Clone(items)
	slices.SortStableFunc(sorted, func(a, b T) int { return cmp.Compare(created(a), created(b)) })
	if q.desc {
		slices.Reverse(sorted)
	}
	index := func(cursor, param string) (int, error) {
		i := slices.IndexFunc(sorted, func(t T) bool { return id(t) == cursor })
		if i < 0 {
			return 0, invalidRequest(param, "invalid_value",
				"Invalid '%s': no object found with id '%s' in this list.", param, cursor)
		}
		return i, nil
	}
	start, end := 0, len(sorted)
	if q.after != "" {
		i, err := index(q.after, "after")
		if err != nil {
			return listResponse[T]{}, err
		}
		start = i + 1
	}
	if q.before != "" {
		i, err := index(q.before, "before")
		if err != nil {
			return listResponse[T]{}, err
		}
		end = min(end, i)
	}
	start = min(start, end)
	window := sorted[start:end]
	var page []T
	hasMore := false
	if len(window) > q.limit {
		hasMore = true
		if q.before != "" && q.after == "" {
			// Paging backwards: the items nearest the cursor.
			page = window[len(window)-q.limit:]
		} else {
			page = window[:q.limit]
		}
	} else {
		page = window
	}
	resp := listResponse[T]{Object: "list", Data: append(make([]T, 0, len(page)), page...), HasMore: hasMore}
	if len(page) > 0 {
		first, last := id(page[0]), id(page[len(page)-1])
		resp.FirstID, resp.LastID = &first, &last
	}
	return resp, nil
}
