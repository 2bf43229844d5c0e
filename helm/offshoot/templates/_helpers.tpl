{{- define "offshoot.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "offshoot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "offshoot.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{ include "offshoot.selectorLabels" . }}
{{- end -}}

{{- define "offshoot.selectorLabels" -}}
app.kubernetes.io/name: {{ include "offshoot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: service
{{- end -}}

{{- define "offshoot.metadataSelectorLabels" -}}
app.kubernetes.io/name: {{ include "offshoot.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: metadata
{{- end -}}

{{- define "offshoot.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "offshoot.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the webhook secrets (and what else was given in the values). */}}
{{- define "offshoot.secretName" -}}
{{- default (include "offshoot.fullname" .) .Values.auth.existingSecret -}}
{{- end -}}

{{/* Non-empty when the chart generates a secret value (admin token, bundled metadata password). */}}
{{- define "offshoot.generates" -}}
{{- if not .Values.auth.existingSecret -}}
{{- if or (not .Values.auth.adminToken) (and .Values.metadata.bundled.enabled (not .Values.metadata.bundled.password)) -}}
true
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "offshoot.adminTokenSecret" -}}
{{- if or .Values.auth.existingSecret .Values.auth.adminToken -}}
{{- include "offshoot.secretName" . -}}
{{- else -}}
{{- include "offshoot.fullname" . }}-generated
{{- end -}}
{{- end -}}

{{- define "offshoot.metadataPasswordSecret" -}}
{{- if or .Values.auth.existingSecret (not .Values.metadata.bundled.enabled) .Values.metadata.bundled.password -}}
{{- include "offshoot.secretName" . -}}
{{- else -}}
{{- include "offshoot.fullname" . }}-generated
{{- end -}}
{{- end -}}

{{- define "offshoot.metadataHost" -}}
{{- printf "%s-metadata" (include "offshoot.fullname" .) -}}
{{- end -}}

{{- define "offshoot.datasourceUrl" -}}
{{- if .Values.metadata.bundled.enabled -}}
{{- printf "jdbc:postgresql://%s:5432/%s" (include "offshoot.metadataHost" .) .Values.metadata.bundled.database -}}
{{- else -}}
{{- required "metadata.external.url is required when metadata.bundled.enabled=false" .Values.metadata.external.url -}}
{{- end -}}
{{- end -}}

{{/* Non-empty when the service runs branches as Pods (runtime.type=kubernetes). */}}
{{- define "offshoot.onKubernetes" -}}
{{- if eq .Values.runtime.type "kubernetes" -}}true{{- end -}}
{{- end -}}

{{/* Non-empty when the pod runs in its node's network namespace (the Docker runtime only). */}}
{{- define "offshoot.hostNetwork" -}}
{{- if and (eq .Values.runtime.type "docker") .Values.docker.hostNetwork -}}true{{- end -}}
{{- end -}}

{{/* Replicas: the Docker runtime runs one next to its engine. */}}
{{- define "offshoot.replicas" -}}
{{- if include "offshoot.onKubernetes" . -}}{{ .Values.replicaCount }}{{- else -}}1{{- end -}}
{{- end -}}
