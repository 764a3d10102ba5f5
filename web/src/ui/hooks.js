// Small hooks over the Client: re-render on state changes, re-run queries when stored data
// changed, and keep the route (location.hash).
import { html } from 'htm/preact';
import { createContext } from 'preact';
import { useContext, useEffect, useState, useRef } from 'preact/hooks';

export { html };
export const ClientContext = createContext(null);

export function useClient() {
  const client = useContext(ClientContext);
  const [, setState] = useState(client.state);
  useEffect(() => client.subscribe(setState), [client]);
  return client;
}

/**
 * Runs `query(client)` now and again whenever the store changes (debounced); returns
 * {data, error, loading}. `deps` re-run it immediately.
 */
export function useQuery(query, deps) {
  const client = useContext(ClientContext);
  const [result, setResult] = useState({ data: undefined, error: null, loading: true });
  const generation = useRef(0);
  useEffect(() => {
    let timer = null;
    const run = () => {
      const mine = ++generation.current;
      Promise.resolve().then(() => query(client)).then(
        (data) => mine === generation.current && setResult({ data, error: null, loading: false }),
        (error) => mine === generation.current && setResult((r) => ({ data: r.data, error, loading: false })));
    };
    setResult((r) => ({ ...r, loading: true }));
    run();
    let version = client.state.version;
    const off = client.subscribe((state) => {
      if (state.version === version) return;
      version = state.version;
      clearTimeout(timer);
      timer = setTimeout(run, 80);
    });
    return () => {
      off();
      clearTimeout(timer);
      ++generation.current;
    };
  }, deps);
  return result;
}

export function useRoute() {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.slice(1).split('?')[0].split('/').filter(Boolean).map(decodeURIComponent);
}

export function navigate(path) {
  location.hash = path;
}

/** Runs an async action with busy/error state for buttons and forms. */
export function useAction() {
  const [state, setState] = useState({ busy: false, error: '' });
  const run = async (fn) => {
    setState({ busy: true, error: '' });
    try {
      const value = await fn();
      setState({ busy: false, error: '' });
      return value;
    } catch (error) {
      setState({ busy: false, error: error?.message ?? String(error) });
      return undefined;
    }
  };
  return [state, run, (error) => setState({ busy: false, error })];
}

/** A ref whose element takes the focus when it appears (forms opened by a button). */
export function useFocusOnMount() {
  const ref = useRef(null);
  useEffect(() => { ref.current?.focus(); }, []);
  return ref;
}

/**
 * A text kept in sessionStorage under `key` while it is being written, so a draft survives
 * going to unlock the key (or a reload) and coming back. `clear()` after it was published.
 */
export function useDraft(key) {
  const storageKey = `datt-draft:${key}`;
  const [value, setValue] = useState(() => sessionStorage.getItem(storageKey) ?? '');
  const set = (text) => {
    setValue(text);
    if (text) sessionStorage.setItem(storageKey, text);
    else sessionStorage.removeItem(storageKey);
  };
  return [value, set, () => set('')];
}

/** The account page, coming back to the current route after unlocking or signing in. */
export function accountHref() {
  const here = location.hash.slice(1).split('?')[0] || '/';
  return here && !here.startsWith('/account') ? `#/account?next=${encodeURIComponent(here)}` : '#/account';
}

/** Where the account page should go when done (`?next=`), or `fallback`. */
export function nextRoute(fallback) {
  const next = new URLSearchParams(location.hash.split('?')[1] ?? '').get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

/** Whether any draft under `prefix` (a useDraft key prefix) is kept. */
export function hasDraft(prefix) {
  for (let i = 0; i < sessionStorage.length; i += 1) {
    const key = sessionStorage.key(i);
    if (key.startsWith(`datt-draft:${prefix}`) && sessionStorage.getItem(key)) return true;
  }
  return false;
}

/** The view shows `ids` (posts, comments): their receipts come live while it does (client.setReceiptInterest). */
export function useReceiptInterest(client, ids) {
  const key = ids.join();
  useEffect(() => {
    client.setReceiptInterest(ids);
    return () => client.setReceiptInterest([]);
  }, [key]);
}
