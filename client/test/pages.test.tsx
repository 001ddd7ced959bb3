import { fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import Consult from '../src/pages/consult/index';
import Mine from '../src/pages/mine/index';
import Orders from '../src/pages/orders/index';

describe('tab pages', () => {
  it('问诊 asks to sign in when nobody is signed in (nothing asked of the BFF) and leads to the re-visit flow', () => {
    const { container } = render(<Consult />);
    expect(screen.getByText('请先登录')).toBeTruthy();
    expect(container.querySelector('.consult--signed-out')).not.toBeNull();
    expect(Taro.request).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('发起在线复诊'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packageConsult/pages/revisit/index' });
    fireEvent.click(screen.getByText('去登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/login/index' });
  });

  it('订单 asks to sign in when nobody is signed in (nothing asked of the BFF)', () => {
    const { container } = render(<Orders />);
    expect(screen.getByText('请先登录')).toBeTruthy();
    expect(container.querySelector('.orders--signed-out')).not.toBeNull();
    expect(Taro.request).not.toHaveBeenCalled();
    fireEvent.click(screen.getByText('去登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/login/index' });
  });

  it('我的 is honest that nobody is signed in and leads to both sign-ins', async () => {
    const { container } = render(<Mine />);
    expect(await screen.findByText('未登录')).toBeTruthy();
    expect(container.querySelector('.mine__profile--signed-out')).not.toBeNull();
    expect(Taro.request).not.toHaveBeenCalled(); // no session: nothing to ask the BFF
    expect(screen.getByText('网页版')).toBeTruthy(); // platform label (tests run the H5 flavour)
    fireEvent.click(screen.getByText('登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/login/index' });
    fireEvent.click(screen.getByText('医护人员登录'));
    expect(Taro.navigateTo).toHaveBeenLastCalledWith({ url: '/pages/auth/staff/index' });
    fireEvent.click(screen.getByText('我的订单'));
    expect(Taro.switchTab).toHaveBeenLastCalledWith({ url: '/pages/orders/index' });
    expect(screen.queryByText('退出登录')).toBeNull();
  });
});

