// Service Bus Standard (topics need it), local authentication off: the queues, the stage-events topic and its
// subscriptions of shared/platform/messaging-entities.ts with the same limits (test/infra/infra-declarations.test.ts
// compares them both ways), and the identity's data roles.
param name string
param location string
param tags object

@description('Principal id of the Function App\'s user-assigned identity.')
param principalId string

// Durations are ISO 8601: PT1M = 60 s, PT10M = 10 minutes, P1D = a day.
var queues = [
  {
    name: 'notifications'
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: true
  }
  {
    name: 'notification-deliveries'
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    duplicateDetectionHistoryTimeWindow: 'P1D'
    deadLetteringOnMessageExpiration: true
  }
  {
    name: 'calendar-sync'
    maxDeliveryCount: 5
    lockDuration: 'PT1M'
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: true
  }
]

var topics = [
  {
    name: 'stage-events'
    duplicateDetectionHistoryTimeWindow: 'PT10M'
  }
]

// correlationFilter: application properties every message must match ({}: every message).
var subscriptions = [
  {
    topic: 'stage-events'
    name: 'ats-sync'
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    // Nothing in Stageline receives these: copies an ATS has not taken within 14 days are dropped,
    // so an unconnected subscription cannot fill the topic's quota (sends would then fail).
    deadLetteringOnMessageExpiration: false
    defaultMessageTimeToLive: 'P14D'
    correlationFilter: {}
  }
  {
    topic: 'stage-events'
    name: 'post-transition-callbacks'
    maxDeliveryCount: 5
    lockDuration: 'PT1M'
    deadLetteringOnMessageExpiration: true
    correlationFilter: {}
  }
  {
    topic: 'stage-events'
    name: 'calendar-cancellations'
    maxDeliveryCount: 10
    lockDuration: 'PT1M'
    deadLetteringOnMessageExpiration: true
    correlationFilter: {
      stageType: 'live_interview'
      action: 'cancel'
    }
  }
]

// Its runtime properties (scheduled message count: the notification retry backlog gauge) need Manage rights.
var backlogQueueName = 'notification-deliveries'

var serviceBusDataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
var serviceBusDataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
var serviceBusDataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource serviceBusQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queue in queues: {
    parent: namespace
    name: queue.name
    properties: {
      maxDeliveryCount: queue.maxDeliveryCount
      lockDuration: queue.lockDuration
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: queue.duplicateDetectionHistoryTimeWindow
      deadLetteringOnMessageExpiration: queue.deadLetteringOnMessageExpiration
    }
  }
]

resource serviceBusTopics 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = [
  for topic in topics: {
    parent: namespace
    name: topic.name
    properties: {
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: topic.duplicateDetectionHistoryTimeWindow
    }
  }
]

resource serviceBusSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = [
  for subscription in subscriptions: {
    name: '${namespace.name}/${subscription.topic}/${subscription.name}'
    dependsOn: [
      serviceBusTopics
    ]
    properties: {
      maxDeliveryCount: subscription.maxDeliveryCount
      lockDuration: subscription.lockDuration
      deadLetteringOnMessageExpiration: subscription.deadLetteringOnMessageExpiration
      // Unlimited (Azure's default) where a subscription names none.
      defaultMessageTimeToLive: subscription.?defaultMessageTimeToLive
      deadLetteringOnFilterEvaluationExceptions: true
    }
  }
]

// A filtered subscription replaces its $Default rule (match everything) with the correlation filter.
resource correlationRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2024-01-01' = [
  for subscription in filter(subscriptions, s => !empty(s.correlationFilter)): {
    name: '${namespace.name}/${subscription.topic}/${subscription.name}/$Default'
    dependsOn: [
      serviceBusSubscriptions
    ]
    properties: {
      filterType: 'CorrelationFilter'
      correlationFilter: {
        properties: subscription.correlationFilter
      }
    }
  }
]

resource backlogQueue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = {
  parent: namespace
  name: backlogQueueName
}

// Namespace scope: effective over every queue and subscription (topic triggers need the subscription in scope).
resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalId, serviceBusDataSender)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataSender)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource appReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, principalId, serviceBusDataReceiver)
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataReceiver)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Manage rights on the one queue whose runtime properties the app reads (ServiceBusDeliveryBacklog).
resource appBacklogOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, backlogQueueName, principalId, serviceBusDataOwner)
  scope: backlogQueue
  dependsOn: [
    serviceBusQueues
  ]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', serviceBusDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
