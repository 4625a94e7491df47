// SQLite functions the portal's SQL calls, defined in PostgreSQL so the same statements (and the same
// migrations) run on both stores. Run before the migrations on every start; each definition replaces
// the previous one, so changing one here needs no migration. Only what the portal uses is defined,
// with SQLite's meaning for the arguments the portal passes.
export const PG_COMPAT_SQL = `
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'nocase') THEN
		-- Case-insensitive equality and order, like SQLite's NOCASE (which only folds ASCII).
		CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
	END IF;
END $$;

CREATE OR REPLACE FUNCTION unixepoch() RETURNS bigint
	LANGUAGE sql STABLE AS $$ SELECT floor(extract(epoch FROM now()))::bigint $$;

CREATE OR REPLACE FUNCTION json_valid(value text) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF value IS NULL THEN RETURN NULL; END IF;
	PERFORM value::jsonb;
	RETURN true;
EXCEPTION WHEN others THEN
	RETURN false;
END $$;

CREATE OR REPLACE FUNCTION json_type(value text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT jsonb_typeof(value::jsonb) $$;

-- '$.a.b' → {a,b}; '$.a[0]' → {a,0}.
CREATE OR REPLACE FUNCTION _json_path(path text) RETURNS text[]
	LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN path = '$' THEN ARRAY[]::text[]
		ELSE string_to_array(regexp_replace(regexp_replace(substr(path, 3), '\\[(\\d+)\\]', '.\\1', 'g'), '^\\.', ''), '.')
	END
$$;

-- SQLite returns the SQL value (text for a JSON string, its digits for a number); so does this, as
-- text: the portal casts numbers where it computes with them.
CREATE OR REPLACE FUNCTION json_extract(value text, path text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT value::jsonb #>> _json_path(path) $$;

CREATE OR REPLACE FUNCTION json_each(doc text)
	RETURNS TABLE (key text, value text, type text)
	LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN jsonb_typeof(doc::jsonb) = 'array' THEN (e.ordinality - 1)::text END,
		e.element #>> '{}', jsonb_typeof(e.element)
	FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc::jsonb) = 'array' THEN doc::jsonb ELSE '[]'::jsonb END)
		WITH ORDINALITY AS e (element, ordinality)
$$;

CREATE OR REPLACE FUNCTION json_each(doc text, path text)
	RETURNS TABLE (key text, value text, type text)
	LANGUAGE sql IMMUTABLE AS $$ SELECT * FROM json_each(doc::jsonb #>> _json_path(path)) $$;

CREATE OR REPLACE FUNCTION iif(condition boolean, if_true anycompatible, if_false anycompatible)
	RETURNS anycompatible LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN condition THEN if_true ELSE if_false END $$;

CREATE OR REPLACE FUNCTION _group_concat_step(acc text, value text) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN value IS NULL THEN acc WHEN acc IS NULL THEN value ELSE acc || ',' || value END $$;
CREATE OR REPLACE AGGREGATE group_concat(text) (SFUNC = _group_concat_step, STYPE = text);

CREATE OR REPLACE FUNCTION _json_group_array_final(items anycompatiblearray) RETURNS text
	LANGUAGE sql IMMUTABLE AS $$ SELECT coalesce(array_to_json(items)::text, '[]') $$;
CREATE OR REPLACE AGGREGATE json_group_array(anycompatible) (
	SFUNC = array_append, STYPE = anycompatiblearray, FINALFUNC = _json_group_array_final, INITCOND = '{}'
);

-- strftime(format, unix seconds, 'unixepoch') for the formats the portal uses (%Y %m %d %H %M %S,
-- and the ISO week %G-W%V), in UTC as SQLite computes them.
CREATE OR REPLACE FUNCTION strftime(format text, seconds bigint, modifier text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	t timestamp := to_timestamp(seconds) AT TIME ZONE 'UTC';
	result text := '';
	i int := 1;
	c text;
BEGIN
	IF modifier <> 'unixepoch' THEN RAISE EXCEPTION 'strftime modifier % is not supported', modifier; END IF;
	WHILE i <= length(format) LOOP
		c := substr(format, i, 1);
		IF c = '%' THEN
			i := i + 1;
			c := substr(format, i, 1);
			result := result || CASE c
				WHEN 'Y' THEN to_char(t, 'YYYY') WHEN 'm' THEN to_char(t, 'MM') WHEN 'd' THEN to_char(t, 'DD')
				WHEN 'H' THEN to_char(t, 'HH24') WHEN 'M' THEN to_char(t, 'MI') WHEN 'S' THEN to_char(t, 'SS')
				WHEN 'G' THEN to_char(t, 'IYYY') WHEN 'V' THEN to_char(t, 'IW') WHEN '%' THEN '%'
				ELSE NULL END;
			IF result IS NULL THEN RAISE EXCEPTION 'strftime format %% % is not supported', c; END IF;
		ELSE
			result := result || c;
		END IF;
		i := i + 1;
	END LOOP;
	RETURN result;
END $$;

`;
