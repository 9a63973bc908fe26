#!/bin/sh
# azd postprovision hook: what Bicep must not declare because re-provisioning would overwrite it.
#  - Key Vault secrets, each created once with a fresh value, never replaced: ENCRYPTION-KEYS and
#    TIMELINE-SIGNING-KEYS ({"<key id>": "<base64 of 32 random bytes>"}), CALENDAR-OAUTH-STATE-KEY,
#    and GOOGLE-OAUTH-CLIENT-SECRET as "not-configured" until you set Google's (README "Deploy to Azure").
#  - The FEATURE_DYNAMIC_STAGES feature flag in App Configuration, created off; an existing flag keeps its state.
# Runs with your `az login` identity, which main.bicep made Key Vault Secrets Officer and App Configuration
# Data Owner; new role assignments take a few minutes to apply, so each call is retried.
# Needs: az (logged in to the same tenant), openssl. azd puts the provision outputs in the environment.
set -eu

: "${AZURE_KEY_VAULT_NAME:?run through azd (azd provision / azd up): AZURE_KEY_VAULT_NAME is not set}"
: "${AZURE_APP_CONFIGURATION_ENDPOINT:?run through azd: AZURE_APP_CONFIGURATION_ENDPOINT is not set}"
FLAG=FEATURE_DYNAMIC_STAGES

retry() {
  attempt=1
  until "$@"; do
    if [ "$attempt" -ge 20 ]; then echo "postprovision: giving up on: $*" >&2; return 1; fi
    echo "postprovision: not yet allowed (role assignments apply within minutes); retrying in 15 s" >&2
    attempt=$((attempt + 1))
    sleep 15
  done
}

# 0: the secret exists; 1: it does not; anything else (no access yet, network): retried, never taken for "missing".
secret_state() {
  if out=$(az keyvault secret show --vault-name "$AZURE_KEY_VAULT_NAME" --name "$1" --query id --output tsv 2>&1); then return 0; fi
  case "$out" in *SecretNotFound*|*"was not found"*) return 1 ;; esac
  echo "postprovision: cannot read secret $1 yet: $out" >&2
  return 2
}

seed_secret() {
  name=$1
  value=$2
  attempt=1
  while :; do
    set +e
    secret_state "$name"
    state=$?
    set -e
    case $state in
      0) echo "Key Vault secret $name: exists, kept"; return 0 ;;
      1) # From a private file, not the command line (which other local users could see).
         file=$(mktemp)
         chmod 600 "$file"
         printf '%s' "$value" > "$file"
         retry az keyvault secret set --vault-name "$AZURE_KEY_VAULT_NAME" --name "$name" --file "$file" --encoding utf-8 --output none || { rm -f "$file"; return 1; }
         rm -f "$file"
         echo "Key Vault secret $name: created"; return 0 ;;
    esac
    if [ "$attempt" -ge 20 ]; then echo "postprovision: giving up on secret $name" >&2; return 1; fi
    attempt=$((attempt + 1))
    sleep 15
  done
}

random_key() { openssl rand -base64 32; }

seed_secret ENCRYPTION-KEYS "{\"${ENCRYPTION_KEY_ID:-k1}\":\"$(random_key)\"}"
seed_secret TIMELINE-SIGNING-KEYS "{\"${TIMELINE_SIGNING_KEY_ID:-s1}\":\"$(random_key)\"}"
seed_secret CALENDAR-OAUTH-STATE-KEY "$(random_key)"
seed_secret GOOGLE-OAUTH-CLIENT-SECRET "not-configured"

# 0: the flag exists; 1: it does not; anything else (no access yet): retried, never taken for "missing",
# since creating it would also switch an existing flag off.
flag_state() {
  if out=$(az appconfig feature show --endpoint "$AZURE_APP_CONFIGURATION_ENDPOINT" --auth-mode login --feature "$FLAG" --output none 2>&1); then return 0; fi
  case "$out" in *"not found"*|*NotFound*) return 1 ;; esac
  echo "postprovision: cannot read flag $FLAG yet: $out" >&2
  return 2
}

attempt=1
while :; do
  set +e
  flag_state
  state=$?
  set -e
  case $state in
    0) echo "App Configuration flag $FLAG: exists, kept as it is"; break ;;
    1) retry az appconfig feature set --endpoint "$AZURE_APP_CONFIGURATION_ENDPOINT" --auth-mode login --feature "$FLAG" --yes --output none
       retry az appconfig feature disable --endpoint "$AZURE_APP_CONFIGURATION_ENDPOINT" --auth-mode login --feature "$FLAG" --yes --output none
       echo "App Configuration flag $FLAG: created, off (turn it on: README \"Deploy to Azure\")"; break ;;
  esac
  if [ "$attempt" -ge 20 ]; then echo "postprovision: giving up on flag $FLAG" >&2; exit 1; fi
  attempt=$((attempt + 1))
  sleep 15
done
