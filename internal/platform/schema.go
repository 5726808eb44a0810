package platform

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// Schema describes tables, columns (normalised types) and indexes, for comparing
// the two engines' migrated schemas.
type Schema struct {
	Columns map[string]string // "table.column" -> normalised type + nullability
	Indexes map[string]string // "table.index" -> "unique? (cols)"
}

// NormaliseType maps an engine's column type to one shared word.
func NormaliseType(t string) string {
	t = strings.ToLower(strings.TrimSpace(t))
	switch {
	case strings.Contains(t, "int"):
		return "integer"
	case strings.Contains(t, "char"), t == "text":
		return "text"
	case strings.Contains(t, "timestamp"), strings.Contains(t, "datetime"):
		return "timestamp"
	case t == "real", strings.Contains(t, "double"), strings.Contains(t, "float"):
		return "real"
	case t == "date":
		return "date"
	case t == "blob", t == "bytea":
		return "blob"
	}
	return t
}

// ReadSchema reads the live schema, leaving out goose's bookkeeping table.
func ReadSchema(ctx context.Context, db *DB) (*Schema, error) {
	s := &Schema{Columns: map[string]string{}, Indexes: map[string]string{}}
	var q string
	if db.Dialect == Postgres {
		q = `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
			FROM information_schema.columns c WHERE c.table_schema = 'public' AND c.table_name <> 'goose_db_version'`
	} else {
		q = `SELECT m.name, p.name, p.type, CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN 'NO' ELSE 'YES' END
			FROM sqlite_master m JOIN pragma_table_info(m.name) p
			WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("platform: read columns: %w", err)
	}
	for rows.Next() {
		var table, col, typ, nullable string
		if err := rows.Scan(&table, &col, &typ, &nullable); err != nil {
			rows.Close()
			return nil, err
		}
		s.Columns[table+"."+col] = NormaliseType(typ) + " null=" + nullable
	}
	rows.Close()
	if err := readIndexes(ctx, db, s); err != nil {
		return nil, err
	}
	return s, nil
}

func readIndexes(ctx context.Context, db *DB, s *Schema) error {
	var q string
	if db.Dialect == Postgres {
		q = `SELECT t.relname, i.relname, ix.indisunique, a.attname
			FROM pg_index ix
			JOIN pg_class i ON i.oid = ix.indexrelid
			JOIN pg_class t ON t.oid = ix.indrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
			JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
			WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> 'goose_db_version'
			ORDER BY t.relname, i.relname, k.ord`
	} else {
		q = `SELECT m.tbl_name, m.name, il."unique" = 1, ii.name
			FROM sqlite_master m
			JOIN pragma_index_list(m.tbl_name) il ON il.name = m.name
			JOIN pragma_index_info(m.name) ii
			WHERE m.type = 'index' AND m.sql IS NOT NULL AND m.tbl_name <> 'goose_db_version'
			ORDER BY m.tbl_name, m.name, ii.seqno`
	}
	rows, err := db.Query(ctx, q)
	if err != nil {
		return fmt.Errorf("platform: read indexes: %w", err)
	}
	defer rows.Close()
	cols := map[string][]string{}
	uniq := map[string]bool{}
	for rows.Next() {
		var table, index, col string
		var unique bool
		if err := rows.Scan(&table, &index, &unique, &col); err != nil {
			return err
		}
		k := table + "." + index
		cols[k] = append(cols[k], col)
		uniq[k] = unique
	}
	for k, c := range cols {
		s.Indexes[k] = fmt.Sprintf("unique=%v (%s)", uniq[k], strings.Join(c, ","))
	}
	return rows.Err()
}

// Diff lists the differences between two schemas, one line each, sorted.
func (s *Schema) Diff(o *Schema) []string {
	var out []string
	cmp := func(kind string, a, b map[string]string) {
		for k, v := range a {
			if w, ok := b[k]; !ok {
				out = append(out, fmt.Sprintf("%s %s only in first", kind, k))
			} else if v != w {
				out = append(out, fmt.Sprintf("%s %s: %s vs %s", kind, k, v, w))
			}
		}
		for k := range b {
			if _, ok := a[k]; !ok {
				out = append(out, fmt.Sprintf("%s %s only in second", kind, k))
			}
		}
	}
	cmp("column", s.Columns, o.Columns)
	cmp("index", s.Indexes, o.Indexes)
	sort.Strings(out)
	return out
}
