import { fireEvent, render, screen } from '@testing-library/react';
import { PageState } from '../src/components/PageState';

describe('<PageState>', () => {
  it('shows the loading state and not the content', () => {
    const { container } = render(
      <PageState loading>
        <p>内容</p>
      </PageState>,
    );
    expect(container.querySelector('.page-state--loading')).not.toBeNull();
    expect(screen.getByText('加载中…')).toBeTruthy();
    expect(screen.queryByText('内容')).toBeNull();
  });

  it('shows the error in words with the request id, and retries', () => {
    const onRetry = jest.fn();
    const { container } = render(
      <PageState error={{ message: '服务暂时不可用，请稍后重试', requestId: 'req-42' }} onRetry={onRetry}>
        <p>内容</p>
      </PageState>,
    );
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    expect(screen.getByText('加载失败')).toBeTruthy();
    expect(screen.getByText('服务暂时不可用，请稍后重试')).toBeTruthy();
    expect(screen.getByText('错误编号：req-42')).toBeTruthy();
    expect(screen.queryByText('内容')).toBeNull();
    fireEvent.click(screen.getByText('重新加载'));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('has no retry button without onRetry', () => {
    render(<PageState error={{ message: '出错了', requestId: '' }} />);
    expect(screen.queryByText('重新加载')).toBeNull();
    expect(screen.queryByText(/错误编号/)).toBeNull();
  });

  it('prefers loading over error and error over empty', () => {
    const { container, rerender } = render(<PageState loading error={{ message: 'x', requestId: '' }} empty />);
    expect(container.querySelector('.page-state--loading')).not.toBeNull();
    rerender(<PageState error={{ message: 'x', requestId: '' }} empty />);
    expect(container.querySelector('.page-state--error')).not.toBeNull();
    expect(container.querySelector('.page-state--empty')).toBeNull();
  });

  it('shows the empty state with its texts and action', () => {
    const { container } = render(
      <PageState empty emptyTitle='暂无订单' emptyDescription='您还没有任何订单。' emptyAction={<button type='button'>去看看</button>}>
        <p>内容</p>
      </PageState>,
    );
    expect(container.querySelector('.page-state--empty')).not.toBeNull();
    expect(screen.getByText('暂无订单')).toBeTruthy();
    expect(screen.getByText('您还没有任何订单。')).toBeTruthy();
    expect(screen.getByText('去看看')).toBeTruthy();
    expect(screen.queryByText('内容')).toBeNull();
  });

  it('offers a refresh on the empty state when it can reload', () => {
    const onRetry = jest.fn();
    render(<PageState empty onRetry={onRetry} />);
    expect(screen.getByText('暂无内容')).toBeTruthy();
    fireEvent.click(screen.getByText('刷新'));
    expect(onRetry).toHaveBeenCalledTimes(1);
  });

  it('renders the content when there is nothing else to show', () => {
    const { container } = render(
      <PageState loading={false} error={null} empty={false}>
        <p>内容</p>
      </PageState>,
    );
    expect(screen.getByText('内容')).toBeTruthy();
    expect(container.querySelector('.page-state')).toBeNull();
  });
});
