<?php
// The router of functions/php-http: PHP's built-in server runs it for every
// request. A script's globals do not outlive a request, so the identity is the
// server's process id (one process per instance), which shows warm reuse.
$raw = file_get_contents('php://input');
$event = $raw === '' ? [] : (json_decode($raw, true) ?? ['text' => $raw]);
$name = is_array($event) && isset($event['name']) ? (string) $event['name'] : 'world';
header('Content-Type: application/json');
echo json_encode([
    'message' => "hello, $name",
    'runtime' => 'php ' . PHP_VERSION,
    'instanceId' => (string) getmypid(),
    'method' => $_SERVER['REQUEST_METHOD'],
]);
