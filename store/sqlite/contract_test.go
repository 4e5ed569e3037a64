package sqlite

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kosmo-run/kosmo/store"
	"github.com/kosmo-run/kosmo/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		db, err := Open(t.Context(), Memory)
		require.NoError(t, err)
		return db
	})
}
