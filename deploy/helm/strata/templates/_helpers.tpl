{{/* Names and labels shared by every object of the release. */}}

{{- define "strata.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "strata.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "strata.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "strata.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "strata.selectorLabels" -}}
app.kubernetes.io/name: {{ include "strata.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "strata.labels" -}}
{{ include "strata.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "strata.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "strata.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest is given. */}}
{{- define "strata.image" -}}
{{- $i := .Values.image -}}
{{- if $i.digest -}}
{{- printf "%s@%s" $i.repository $i.digest -}}
{{- else -}}
{{- printf "%s:%s" $i.repository (default .Chart.AppVersion $i.tag) -}}
{{- end -}}
{{- end -}}

{{/* The preset's resources, or .Values.resources when set (always when preset is custom). */}}
{{- define "strata.resources" -}}
{{- if or .Values.resources (eq .Values.preset "custom") -}}
{{- toYaml .Values.resources -}}
{{- else -}}
{{- toYaml (get .Values.presets .Values.preset).resources -}}
{{- end -}}
{{- end -}}

{{/* The URL agents dial: server.advertiseUrl, else the ingress/route host, else the in-cluster Service. */}}
{{- define "strata.advertiseUrl" -}}
{{- if .Values.server.advertiseUrl -}}
{{- .Values.server.advertiseUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.host -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tlsSecretName))) .Values.ingress.host -}}
{{- else if and .Values.httpRoute.enabled .Values.httpRoute.hostnames -}}
{{- printf "https://%s" (first .Values.httpRoute.hostnames) -}}
{{- else -}}
{{- printf "http://%s.%s.svc:%v" (include "strata.fullname" .) .Release.Namespace .Values.service.port -}}
{{- end -}}
{{- end -}}

{{/* "true" when the chart writes the database password Secret (password given as a value), else empty. */}}
{{- define "strata.createsDatabaseSecret" -}}
{{- if and (not .Values.database.existingSecret) (not .Values.database.passwordSecret.name) .Values.database.password -}}
true
{{- end -}}
{{- end -}}

{{- define "strata.databaseSecretName" -}}
{{- if .Values.database.existingSecret -}}
{{- .Values.database.existingSecret -}}
{{- else -}}
{{- printf "%s-database" (include "strata.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
Checks the schema cannot express (combinations of values); each message names the value to set.
*/}}
{{- define "strata.validate" -}}
{{- if not .Values.encryption.existingSecret -}}
{{- fail "encryption.existingSecret is required: create a Secret with the key ring (kubectl create secret generic strata-keys --from-literal=keys=k1:$(head -c 32 /dev/urandom | base64)) and set encryption.existingSecret=strata-keys; without it every replica would make its own key and could not read the others' secrets" -}}
{{- end -}}
{{- if and (not .Values.database.existingSecret) (not .Values.database.host) -}}
{{- fail "PostgreSQL is required: set database.existingSecret (a Secret with the whole postgres:// URL) or database.host (with database.passwordSecret.name or database.password)" -}}
{{- end -}}
{{- if and .Values.database.host (not .Values.database.existingSecret) (not .Values.database.passwordSecret.name) (not .Values.database.password) -}}
{{- fail "database.host is set but no password: set database.passwordSecret.name (a Secret with the password) or database.password" -}}
{{- end -}}
{{- if and (eq .Values.preset "custom") (not .Values.resources) -}}
{{- fail "preset is custom but resources is empty: give resources.requests and resources.limits, or choose preset small, medium or large" -}}
{{- end -}}
{{- if and .Values.serviceMonitor.enabled (not .Values.serviceMonitor.apiKeySecret.name) -}}
{{- fail "serviceMonitor.enabled needs serviceMonitor.apiKeySecret.name: /metrics requires an API key with metrics.get (role metrics-reader)" -}}
{{- end -}}
{{- if and .Values.httpRoute.enabled (not .Values.httpRoute.parentRefs) -}}
{{- fail "httpRoute.enabled needs httpRoute.parentRefs (the Gateway to attach to)" -}}
{{- end -}}
{{- end -}}

{{/* postgres://user@host:port/name?sslmode=… (the password comes from PGPASSWORD). */}}
{{- define "strata.databaseUrl" -}}
{{- $d := .Values.database -}}
{{- $url := printf "postgres://%s@%s:%v/%s" (urlquery $d.user) $d.host $d.port $d.name -}}
{{- if $d.sslmode -}}
{{- $url = printf "%s?sslmode=%s" $url $d.sslmode -}}
{{- end -}}
{{- $url -}}
{{- end -}}
