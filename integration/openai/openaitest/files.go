package openaitest

import (
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// filePurposes are the purposes POST /v1/files accepts.
var filePurposes = []string{"assistants", "batch", "fine-tune", "vision", "user_data", "evals"}

type fileObject struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	Bytes     int64  `json:"bytes"`
	CreatedAt int64  `json:"created_at"`
	ExpiresAt *int64 `json:"expires_at,omitempty"` // the spec's type is integer, not nullable
	Filename  string `json:"filename"`
	Purpose   string `json:"purpose"`
	Status    string `json:"status"`
}

// storedFile is an uploaded file with its content.
type storedFile struct {
	obj  fileObject
	data []byte
}

// batchFileExpiry is the default lifetime of batch input files (30 days).
const batchFileExpiry = 30 * 24 * 3600

func (h *Handler) createFile(w http.ResponseWriter, r *http.Request) error {
	form, err := readMultipart(r)
	if err != nil {
		return err
	}
	file, err := form.file()
	if err != nil {
		return err
	}
	c := &checker{}
	purpose, ok := form.values["purpose"]
	if !ok {
		return invalidRequest("purpose", "missing_required_parameter", "Missing required parameter: 'purpose'.")
	}
	if !c.enumAt("purpose", purpose, filePurposes) {
		return c.Err()
	}
	var expiresAfter int64
	anchor, hasAnchor := form.values["expires_after[anchor]"]
	secs, hasSecs := form.values["expires_after[seconds]"]
	if hasAnchor || hasSecs {
		if missing := "expires_after.anchor"; !hasAnchor || !hasSecs {
			if hasAnchor {
				missing = "expires_after.seconds"
			}
			return invalidRequest(missing, "missing_required_parameter", "Missing required parameter: '%s'.", missing)
		}
		c.enumAt("expires_after.anchor", anchor, []string{"created_at"})
		n, err := strconv.ParseInt(secs, 10, 64)
		if err != nil {
			return invalidRequest("expires_after.seconds", "invalid_type",
				"Invalid type for 'expires_after.seconds': expected an integer, but got a string instead.")
		}
		c.intRange("expires_after.seconds", n, 3600, 2592000)
		if c.failed() {
			return c.Err()
		}
		expiresAfter = n
	} else if purpose == "batch" {
		expiresAfter = batchFileExpiry
	}

	h.mu.Lock()
	now := h.cfg.now().Unix()
	f := &storedFile{data: file.data, obj: fileObject{
		ID:        newID("file-"),
		Object:    "file",
		Bytes:     int64(len(file.data)),
		CreatedAt: now,
		Filename:  file.name,
		Purpose:   purpose,
		Status:    "processed",
	}}
	if expiresAfter > 0 {
		f.obj.ExpiresAt = ptr(now + expiresAfter)
	}
	h.state.files = append(h.state.files, f)
	h.state.fileByID[f.obj.ID] = f
	out := f.obj
	h.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (h *Handler) listFiles(w http.ResponseWriter, r *http.Request) error {
	q, err := parseListQuery(r, 10000, 10000, false)
	if err != nil {
		return err
	}
	purpose := r.URL.Query().Get("purpose")
	h.mu.Lock()
	var items []fileObject
	for _, f := range h.state.files {
		if purpose == "" || f.obj.Purpose == purpose {
			items = append(items, f.obj)
		}
	}
	h.mu.Unlock()
	resp, err := paginate(items, func(f fileObject) string { return f.ID },
		func(f fileObject) int64 { return f.CreatedAt }, q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

// File returns a copy of the content of an uploaded file and whether the
// id is known. The API itself has no download endpoint in this fake.
func (h *Handler) File(id string) ([]byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.state.fileByID[id]
	if !ok {
		return nil, false
	}
	return append([]byte(nil), f.data...), true
}

// multipartForm is a parsed multipart/form-data body: text fields (the
// first value of each in values, every value in order in all, for the
// array fields that clients send as repeated parts such as
// "timestamp_granularities[]") and file parts.
type multipartForm struct {
	values map[string]string
	all    map[string][]string
	files  map[string]formFile
}

type formFile struct {
	name string // the part's file name, without directories
	data []byte
}

// readMultipart parses the (already size-limited) body as
// multipart/form-data, all in memory.
func readMultipart(r *http.Request) (*multipartForm, error) {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, invalidRequest("", "",
			"Invalid Content-Type header (%s), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')", ct)
	}
	form := &multipartForm{values: map[string]string{}, all: map[string][]string{}, files: map[string]formFile{}}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, invalidRequest("", "", "Could not parse the multipart form: %v.", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return nil, invalidRequest("", "", "Could not parse the multipart form: %v.", err)
		}
		name := part.FormName()
		if fn := part.FileName(); fn != "" {
			if _, dup := form.files[name]; !dup {
				form.files[name] = formFile{name: path.Base(strings.ReplaceAll(fn, `\`, "/")), data: data}
			}
			continue
		}
		if name == "" {
			continue
		}
		if _, dup := form.values[name]; !dup {
			form.values[name] = string(data)
		}
		form.all[name] = append(form.all[name], string(data))
	}
	return form, nil
}

// file returns the "file" part, which must be a file with a name.
func (f *multipartForm) file() (formFile, error) {
	if file, ok := f.files["file"]; ok {
		return file, nil
	}
	if _, ok := f.values["file"]; ok {
		return formFile{}, invalidRequest("file", "invalid_type",
			"Invalid type for 'file': expected a file, but got a string instead.")
	}
	return formFile{}, invalidRequest("file", "missing_required_parameter", "Missing required parameter: 'file'.")
}
