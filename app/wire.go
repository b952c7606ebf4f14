//go:build wireinject

package app

import (
	"github.com/google/wire"

	"github.com/talabin/talabin/adapters/httpapi"
	"github.com/talabin/talabin/app/config"
)

// loggerSet provides the JSON logger.
var loggerSet = wire.NewSet(NewLogger)

// httpSet provides the readiness checks, the router and the HTTP server.
var httpSet = wire.NewSet(ReadinessChecks, NewReadiness, httpapi.NewRouter, NewHTTPServer)

// appSet provides the App itself.
var appSet = wire.NewSet(NewApp)

// InitializeApp builds the App from its configuration: config → logger → router → server.
func InitializeApp(cfg config.Config, out LogOutput, build BuildInfo) (*App, error) {
	wire.Build(loggerSet, httpSet, appSet)
	return nil, nil
}
