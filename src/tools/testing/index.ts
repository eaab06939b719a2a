export { createTestScheduler } from './createTestScheduler';
export { fakeDeliveries, type FakeDeliveriesOptions, type FakeDeliveryStream, type SubscriptionLog } from './fakeDeliveries';
export { createFakeDelivery, type AckCall, type DeadLetterCall, type FakeDeliveryFields, type NackCall, type SettleCall } from './createFakeDelivery';
export { expectAcks, expectNacks, type AcksExpectation, type NacksExpectation } from './expectSettled';
export { expectDeadLetters, type DeadLettersExpectation } from './expectDeadLetters';
export { createTestEventService, type TestEventService, type TestEventServiceOptions } from './createTestEventService';
