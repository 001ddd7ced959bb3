import { Input, View } from '@tarojs/components';
import { Button } from '../../components/nut';
import './selfService.scss';

/** Filters a list already on screen as the user types (no request per key). */
export function SearchBox({ value, onChange, placeholder, className }: { value: string; onChange: (v: string) => void; placeholder: string; className?: string }) {
  return (
    <View className={`ss-search${className ? ` ${className}` : ''}`} role='search'>
      <Input
        className='ss-search__input'
        value={value}
        placeholder={placeholder}
        maxlength={32}
        confirmType='search'
        aria-label={placeholder}
        onInput={(e) => onChange(e.detail.value)}
      />
      {value ? (
        <Button className='ss-search__clear' size='small' fill='none' onClick={() => onChange('')}>
          清除
        </Button>
      ) : null}
    </View>
  );
}
