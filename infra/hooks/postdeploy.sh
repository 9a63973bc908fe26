#!/bin/sh
# azd postdeploy hook: subscribes the content gate's blob trigger to the documents account's Event Grid system
# topic (Flex Consumption runs blob triggers from Event Grid only). The webhook needs the deployed app's
# blobs_extension system key, which exists only once the host has started with the blob trigger, so this runs
# after `azd deploy`, not in Bicep. Idempotent: a second run updates the same subscription.
# Needs: az (logged in), rights to read the app's keys and to create Event Grid subscriptions in the group.
set -eu

: "${AZURE_RESOURCE_GROUP:?run through azd (azd deploy / azd up): AZURE_RESOURCE_GROUP is not set}"
: "${AZURE_FUNCTION_APP_NAME:?run through azd: AZURE_FUNCTION_APP_NAME is not set}"
: "${AZURE_FUNCTION_APP_HOSTNAME:?run through azd: AZURE_FUNCTION_APP_HOSTNAME is not set}"
: "${EVENT_GRID_SYSTEM_TOPIC_NAME:?run through azd: EVENT_GRID_SYSTEM_TOPIC_NAME is not set}"

# The blob-triggered function (functions/documents.ts) and the container it watches (shared/platform/blob-containers.ts).
FUNCTION=contentGate
CONTAINER=quarantine

key=""
attempt=1
while [ -z "$key" ]; do
  key=$(az functionapp keys list --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME" --query "systemKeys.blobs_extension" --output tsv 2>/dev/null || true)
  if [ -n "$key" ]; then break; fi
  if [ "$attempt" -ge 20 ]; then echo "postdeploy: no blobs_extension key after $attempt tries: did the app start? (Azure portal: Function App > Log stream)" >&2; exit 1; fi
  echo "postdeploy: waiting for the host to create the blobs_extension key ($attempt)"
  attempt=$((attempt + 1))
  curl --silent --output /dev/null "https://$AZURE_FUNCTION_APP_HOSTNAME/api/health" || true
  sleep 15
done

endpoint="https://$AZURE_FUNCTION_APP_HOSTNAME/runtime/webhooks/blobs?functionName=Host.Functions.$FUNCTION&code=$key"

az eventgrid system-topic event-subscription create \
  --resource-group "$AZURE_RESOURCE_GROUP" \
  --system-topic-name "$EVENT_GRID_SYSTEM_TOPIC_NAME" \
  --name content-gate \
  --endpoint-type webhook \
  --endpoint "$endpoint" \
  --included-event-types Microsoft.Storage.BlobCreated \
  --subject-begins-with "/blobServices/default/containers/$CONTAINER/" \
  --output none

echo "Event Grid: BlobCreated in $CONTAINER/ now triggers $FUNCTION"
