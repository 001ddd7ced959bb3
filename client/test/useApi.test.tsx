import { act, render, screen } from '@testing-library/react';
import { useApi } from '../src/hooks/useApi';
import { ApiError } from '../src/services/request';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let api: ReturnType<typeof useApi<string>>;
function Probe({ load }: { load: () => Promise<string> }) {
  api = useApi(load);
  return <p>{api.loading ? 'loading' : api.error ? `error:${api.error.code}` : `data:${api.data}`}</p>;
}

describe('useApi', () => {
  it('goes from loading to data', async () => {
    const d = deferred<string>();
    render(<Probe load={() => d.promise} />);
    expect(screen.getByText('loading')).toBeTruthy();
    await act(async () => d.resolve('ok'));
    expect(screen.getByText('data:ok')).toBeTruthy();
  });

  it('keeps ApiError and wraps anything else', async () => {
    const d = deferred<string>();
    render(<Probe load={() => d.promise} />);
    await act(async () => d.reject(new ApiError('NOT_FOUND', '不存在', 404, 'r')));
    expect(screen.getByText('error:NOT_FOUND')).toBeTruthy();

    jest.spyOn(console, 'error').mockImplementation(() => {});
    const d2 = deferred<string>();
    render(<Probe load={() => d2.promise} />);
    await act(async () => d2.reject(new TypeError('bug')));
    expect(api.error).toBeInstanceOf(ApiError);
    expect(api.error!.code).toBe('BAD_RESPONSE');
    jest.restoreAllMocks();
  });

  it('ignores an older answer that arrives after a reload', async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const load = jest.fn().mockReturnValueOnce(first.promise).mockReturnValueOnce(second.promise);
    render(<Probe load={load} />);
    act(() => api.reload());
    expect(load).toHaveBeenCalledTimes(2);
    await act(async () => second.resolve('new'));
    await act(async () => first.resolve('old'));
    expect(screen.getByText('data:new')).toBeTruthy();
  });
});
