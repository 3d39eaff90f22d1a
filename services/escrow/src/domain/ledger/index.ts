export * from './accounts';
export * from './balances';
export * from './commission';
export * from './conservation';
export * from './seller-balance';
