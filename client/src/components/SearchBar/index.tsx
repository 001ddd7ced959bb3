import { useEffect, useState } from 'react';
import { Input, View } from '@tarojs/components';
import { Button } from '../nut';
import './index.scss';

export interface SearchBarProps {
  placeholder: string;
  /** The search word in effect (the bar shows it). */
  value: string;
  onSearch: (word: string) => void;
  className?: string;
}

/** A search box: typing edits, 搜索 (or the keyboard's confirm) applies, 清除 resets. */
export function SearchBar({ placeholder, value, onSearch, className }: SearchBarProps) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  const apply = (word: string) => onSearch(word.trim().slice(0, 32));
  return (
    <View className={`search-bar${className ? ` ${className}` : ''}`}>
      <Input
        className='search-bar__input'
        value={text}
        placeholder={placeholder}
        maxlength={32}
        confirmType='search'
        onInput={(e) => setText(e.detail.value)}
        onConfirm={(e) => apply(e.detail.value)}
      />
      {text ? (
        <Button className='search-bar__clear' size='small' fill='none' onClick={() => { setText(''); apply(''); }}>
          清除
        </Button>
      ) : null}
      <Button className='search-bar__submit' size='small' type='primary' onClick={() => apply(text)}>
        搜索
      </Button>
    </View>
  );
}
