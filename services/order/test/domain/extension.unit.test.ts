import { spec } from '@bp/testing';
import { orderDecider } from '../../src/domain/order';
import {
  ORDER,
  approveExt,
  at,
  buyer,
  cmd,
  completed,
  declineExt,
  disputed,
  fire,
  history,
  paid,
  pay,
  place,
  requestExt,
  seller,
  ship,
  shipped,
} from './fixtures';

const order = spec(orderDecider);
const withRequest = () => history(place(), pay(), ship(), requestExt());

describe('RequestExtension (O8)', () => {
  it('O8: the buyer asks for N days; the seller answers within the response window', () => {
    order
      .given(shipped())
      .when(requestExt())
      .then([{ type: 'ProtectionExtensionRequested', data: { orderId: ORDER, extensionId: 'ext-1', days: 14, requestedAt: at(10), respondBy: at(13) } }]);
  });
  it('O8: the same request again is harmless', () => {
    order
      .given(withRequest())
      .when(requestExt(at(10, 1)))
      .thenNothingHappens();
  });
  it('O8: at most one pending request (EXTENSION_PENDING)', () => {
    order
      .given(withRequest())
      .when(requestExt(at(10, 1), 7, 'ext-2'))
      .thenRefuses('EXTENSION_PENDING');
  });
  it('O8: at most maxApprovedExtensions approved (EXTENSION_LIMIT_REACHED)', () => {
    const two = history(place(), pay(), ship(), requestExt(at(2), 5, 'a'), approveExt(at(2), 'a'), requestExt(at(3), 5, 'b'), approveExt(at(3), 'b'));
    order
      .given(two)
      .when(requestExt(at(4), 5, 'c'))
      .thenRefuses('EXTENSION_LIMIT_REACHED');
  });
  it('O8: days within the policy range (EXTENSION_DAYS_OUT_OF_RANGE)', () => {
    order
      .given(shipped())
      .when(requestExt(at(10), 0))
      .thenRefuses('EXTENSION_DAYS_OUT_OF_RANGE');
    order
      .given(shipped())
      .when(requestExt(at(10), 31))
      .thenRefuses('EXTENSION_DAYS_OUT_OF_RANGE');
  });
  it('O8: refused during a dispute (DISPUTE_OPEN), after protection (PROTECTION_EXPIRED), before shipment (ORDER_NOT_SHIPPED), after completion (ORDER_COMPLETED)', () => {
    order
      .given(disputed())
      .when(requestExt(at(11)))
      .thenRefuses('DISPUTE_OPEN');
    order
      .given(shipped())
      .when(requestExt(at(61)))
      .thenRefuses('PROTECTION_EXPIRED');
    order.given(paid()).when(requestExt()).thenRefuses('ORDER_NOT_SHIPPED');
    order
      .given(completed())
      .when(requestExt(at(11)))
      .thenRefuses('ORDER_COMPLETED');
  });
  it('O8: only the buyer asks (ROLE_NOT_ALLOWED)', () => {
    order
      .given(shipped())
      .when({ ...requestExt(), meta: { now: at(10), actor: seller } })
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});

describe('ApproveExtension / DeclineExtension (O8)', () => {
  it('O8: approval extends protection by the requested days', () => {
    order
      .given(withRequest())
      .when(approveExt())
      .then([{ type: 'ProtectionExtended', data: { orderId: ORDER, extensionId: 'ext-1', days: 14, approvedAt: at(11), protectionEndsAt: at(75) } }]);
  });
  it('O8: a decline changes nothing else', () => {
    order
      .given(withRequest())
      .when(declineExt())
      .then([{ type: 'ProtectionExtensionDeclined', data: { orderId: ORDER, extensionId: 'ext-1', days: 14, declinedAt: at(11) } }]);
  });
  it('O8: the same answer again is harmless', () => {
    order
      .given(history(place(), pay(), ship(), requestExt(), approveExt()))
      .when(approveExt(at(12)))
      .thenNothingHappens();
    order
      .given(history(place(), pay(), ship(), requestExt(), declineExt()))
      .when(declineExt(at(12)))
      .thenNothingHappens();
  });
  it('O8: an answered or lapsed request cannot be answered otherwise (EXTENSION_NOT_PENDING)', () => {
    order
      .given(history(place(), pay(), ship(), requestExt(), declineExt()))
      .when(approveExt(at(12)))
      .thenRefuses('EXTENSION_NOT_PENDING');
    order
      .given(history(place(), pay(), ship(), requestExt(), fire('extension_response', at(13))))
      .when(approveExt(at(14)))
      .thenRefuses('EXTENSION_NOT_PENDING');
  });
  it('O8: an unknown request (EXTENSION_NOT_FOUND); approval during a dispute (DISPUTE_OPEN) or after protection (PROTECTION_EXPIRED)', () => {
    order
      .given(shipped())
      .when(approveExt(at(11), 'nope'))
      .thenRefuses('EXTENSION_NOT_FOUND');
    order
      .given(history(place(), pay(), ship(), requestExt(), cmd('RecordDisputeOpened', { disputeId: 'd' }, { role: 'system', id: 's' }, at(10, 1))))
      .when(approveExt())
      .thenRefuses('DISPUTE_OPEN');
    order
      .given(history(place(), pay(), ship(), requestExt(at(60))))
      .when(approveExt(at(61)))
      .thenRefuses('PROTECTION_EXPIRED');
  });
  it('O8: only the seller answers (ROLE_NOT_ALLOWED)', () => {
    order
      .given(withRequest())
      .when({ ...approveExt(), meta: { now: at(11), actor: buyer } })
      .thenRefuses('ROLE_NOT_ALLOWED');
    order
      .given(withRequest())
      .when({ ...declineExt(), meta: { now: at(11), actor: buyer } })
      .thenRefuses('ROLE_NOT_ALLOWED');
  });
});
