import { platformTime } from '../../account/envelope.js';
import type { SimulatedTransaction } from '../transaction.js';

/** 9001 签到: hands out the sign_no every later transaction must carry. */
export const signIn: SimulatedTransaction = {
  infno: '9001',
  name: '签到',
  requiresSignIn: false,
  handle(_input, { state, now }) {
    return { output: { signinoutb: { sign_time: platformTime(now), sign_no: state.signIn() } } };
  },
};
