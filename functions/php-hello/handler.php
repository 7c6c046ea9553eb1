<?php
// The PHP function behind functions/php-hello/bootstrap: an identity made at
// init (so warm reuse is visible), a count of invocations, a greeting.
$instanceId = bin2hex(random_bytes(8));
$invocations = 0;

function hello($event, array $context): array
{
    global $instanceId, $invocations;
    $invocations++;
    $name = is_array($event) && isset($event['name']) ? (string) $event['name'] : 'world';
    return ['message' => "hello, $name", 'runtime' => 'php ' . PHP_VERSION, 'instanceId' => $instanceId, 'invocations' => $invocations];
}
