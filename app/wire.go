//go:build wireinject

package app

import (
	"context"

	"github.com/google/wire"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
)

// loggerSet provides the JSON logger.
var loggerSet = wire.NewSet(NewLogger)

// httpSet provides the readiness checks, the router and the HTTP server.
var httpSet = wire.NewSet(ReadinessChecks, NewReadiness, httpapi.NewRouter, NewHTTPServer)

// storeSet provides the store the configuration selects, migrated.
var storeSet = wire.NewSet(OpenDatabase, MigratedStore)

// appSet provides the App itself.
var appSet = wire.NewSet(NewApp)

// InitializeApp builds the App from its configuration: config → logger → store → router →
// server. The cleanup closes what it opened.
func InitializeApp(ctx context.Context, cfg config.Config, out LogOutput, build BuildInfo) (*App, func(), error) {
	wire.Build(loggerSet, storeSet, httpSet, appSet)
	return nil, nil, nil
}
