/**
 * The NutUI components the app uses, each with its own stylesheet (never NutUI's full
 * style.css: that alone is ~230 KB in every package). Import NutUI from here only, so the
 * list of shipped components and styles stays in one place. Theme colours: theme/tokens.scss.
 */
import '@nutui/nutui-react-taro/dist/es/packages/button/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/cellgroup/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/loading/style/css';
import '@nutui/nutui-react-taro/dist/es/packages/tag/style/css';

export { default as Button } from '@nutui/nutui-react-taro/dist/es/packages/button';
export { default as Cell } from '@nutui/nutui-react-taro/dist/es/packages/cell';
export { default as CellGroup } from '@nutui/nutui-react-taro/dist/es/packages/cellgroup';
export { default as Loading } from '@nutui/nutui-react-taro/dist/es/packages/loading';
export { default as Tag } from '@nutui/nutui-react-taro/dist/es/packages/tag';
