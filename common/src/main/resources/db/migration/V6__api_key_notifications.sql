-- Every change to an API key announces the key's hash on channel api_key_changes, so each service
-- instance evicts it from its in-process key cache (ApiKeyChangeListener). A key is announced when
-- it is created too: an instance may remember it as unknown. Notifications are sent at commit.
-- The merchants table needs no trigger: what a key authenticates as (merchant id, role) is read
-- from api_keys alone, and a merchant that still has keys can be neither deleted nor renamed.
CREATE FUNCTION notify_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('api_key_changes', OLD.key_hash);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('api_key_changes', NEW.key_hash);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION notify_api_key_change();
