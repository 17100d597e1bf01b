import { platformTime } from '../../account/envelope.js';
import { TxRefusal, type SimulatedTransaction } from '../transaction.js';

/** 9002 签退: the sign_no in input.signOut (the one the envelope carries) is no longer honoured. */
export const signOut: SimulatedTransaction = {
  infno: '9002',
  name: '签退',
  requiresSignIn: true,
  handle(input, { envelope, state, now }) {
    const signNo = (input['signOut'] as { sign_no?: unknown } | undefined)?.sign_no;
    if (typeof signNo !== 'string' || signNo === '') throw new TxRefusal('签退编号 sign_no 不能为空');
    if (signNo !== envelope.sign_no) throw new TxRefusal('只能签退本报文的签到编号 sign_no');
    state.signOut(signNo);
    return { output: { signoutoutb: { sign_time: platformTime(now) } } };
  },
};
