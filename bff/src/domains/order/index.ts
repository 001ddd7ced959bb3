/**
 * Orders, cashier, payments, callbacks, refunds and reconciliation (issue 6). What other domains
 * use: api.ts (createConsultationOrder, createPrescriptionOrder, refundConsultationFee,
 * revokePrescriptionOrders). The state of an order changes only in stateMachine.ts.
 */
export { createConsultationOrder, createPrescriptionOrder, refundConsultationFee, revokePrescriptionOrders } from './api';
export { orderRouters, type OrderRouterDeps } from './routes';
export { runReconciliation, reconcileOrder } from './reconcile';
export { TRANSITIONS, transition, canTransition } from './stateMachine';
