// Package ports is the boundary of Talabin's hexagon, written in core types: the outbound
// ports the application needs from the outside world (storage, SMS, payment gateways, price
// feeds, clock...) and, as they are added, the inbound use-case ports it offers. It holds
// interfaces only. Each outbound port has one conformance suite beside it (ports/storetest,
// ...) that every adapter runs.
package ports
